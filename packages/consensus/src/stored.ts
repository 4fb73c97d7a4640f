import type { NotReached } from '@chorus/tasks';
import { askedForCheckOf, offPathOf } from './aggregate';
import { pluralityStanding } from './plurality';

/** One task's consensus for a subject, as the worker stores it (a row of `consensus`). */
export interface StoredTaskConsensus {
  answer: string | null;
  agreement: number | null;
  votes: number;
  algorithm: string;
  workflow_version: number;
  /** The algorithm's whole output: how the votes split, and more (only its `counts`, `offPath` and `askedForCheck`, read with `result: false`). */
  result: Record<string, unknown>;
  /** Why the consensus path does not reach the task (its `result.notReached`): null when it does. */
  not_reached: NotReached | null;
  /** The consensus is worth a researcher's check (`needsChecking` of @chorus/consensus), as the worker stored it. */
  needs_checking: boolean;
}

/**
 * A task's consensus as the results API and webhook payloads give it (`taskConsensusSchema` of @chorus/client), from
 * what the worker stored (`storedConsensusOf` of @chorus/db, which may keep of `result` only what this reads).
 */
export function taskConsensusView(stored: StoredTaskConsensus) {
  const { answer, agreement, votes, algorithm, workflow_version, not_reached, needs_checking } = stored;
  return { answer, agreement, votes, algorithm, workflowVersion: workflow_version, notReached: not_reached, offPath: offPathOf(stored) ?? null, needsChecking: needs_checking, askedForCheck: askedForCheckOf(stored), plurality: pluralityStanding(stored) };
}
