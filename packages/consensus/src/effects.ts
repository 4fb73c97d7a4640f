import type { Effect } from '@chorus/tasks';
import type { TaskConsensus } from './aggregate';

/** The subject sets a retired subject moves into: every effect whose condition its consensus meets. */
export function subjectSetsFromEffects(effects: readonly Effect[], consensus: readonly TaskConsensus[]): string[] {
  const byTask = new Map(consensus.map((result) => [result.task, result]));
  const sets = effects.filter(({ when }) => {
    const result = byTask.get(when.task);
    if (!result) return false;
    if (when.answer !== undefined && result.answer !== when.answer) return false;
    if (when.agreementAtLeast !== undefined && (result.agreement ?? 0) < when.agreementAtLeast) return false;
    return true;
  });
  return [...new Set(sets.map((effect) => effect.addToSubjectSet))];
}
