import type { ReaggregationRecord } from '@chorus/client';

/**
 * The runs the lab lists, newest first (as the API gives them): the latest `researchers` runs researchers asked for,
 * Chorus's own latest, which says whether it is recomputing now, and the latest it started when the workflow completed
 * (which the final download follows). Chorus may start one every few minutes while volunteers classify: listed by time
 * alone, its runs would soon push every researcher's out.
 */
export function runsShown(runs: readonly ReaggregationRecord[], researchers: number): ReaggregationRecord[] {
  const asked = new Set(runs.filter((run) => run.requestedBy).slice(0, researchers));
  const ownLatest = runs.find((run) => !run.requestedBy);
  const onCompletion = runs.find((run) => !run.requestedBy && run.reason === 'completion');
  return runs.filter((run) => asked.has(run) || run === ownLatest || run === onCompletion);
}
