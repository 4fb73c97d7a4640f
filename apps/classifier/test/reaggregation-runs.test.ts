import type { ReaggregationRecord } from '@chorus/client';
import { runsShown } from '../src/lib/reaggregationRuns';

/** The lab's list of re-aggregations, from the API's (newest first). */

const run = (id: string, requestedBy: string | null, reason: ReaggregationRecord['reason'] = null): ReaggregationRecord => ({
  id,
  jobId: null,
  workflowId: '0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11',
  scope: requestedBy ? 'all' : 'unretired',
  state: 'completed',
  progress: null,
  requestedBy: requestedBy ? { id: '9c1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6', displayName: requestedBy } : null,
  reason,
  requestedAt: '2026-12-01T09:30:00.000Z',
  startedAt: null,
  finishedAt: null,
  subjects: 3,
  routedOut: 0,
});

describe('the lab’s re-aggregations', () => {
  it('lists the researchers’ latest runs behind any number of Chorus’s own, and Chorus’s latest alone', () => {
    const own = Array.from({ length: 30 }, (_, n) => run(`own-${n}`, null));
    const asked = [run('marie', 'Marie Curie'), run('pierre', 'Pierre Curie')];
    expect(runsShown([...own, ...asked], 10).map((shown) => shown.id)).toEqual(['own-0', 'marie', 'pierre']);
    expect(runsShown([asked[0]!, ...own, asked[1]!], 1).map((shown) => shown.id)).toEqual(['marie', 'own-0']);
    expect(runsShown([], 10)).toEqual([]);
  });

  it('keeps the run Chorus started on completion behind its later own runs', () => {
    const own = Array.from({ length: 5 }, (_, n) => run(`own-${n}`, null));
    const runs = [...own, run('completion', null, 'completion'), run('older-own', null), run('marie', 'Marie Curie')];
    expect(runsShown(runs, 10).map((shown) => shown.id)).toEqual(['own-0', 'completion', 'marie']);
  });
});
