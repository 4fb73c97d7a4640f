import { askedForCheckOf, notReachedOf, type TaskConsensus } from './aggregate';
import { NO_MAJORITY_AT_MOST } from './vote';

type Judged = Pick<TaskConsensus, 'task' | 'answer' | 'agreement' | 'votes' | 'result'>;

/**
 * Whether a task's consensus is worth a researcher's check (the results' `needsChecking`, the download's
 * `<task>_needs_checking`), the one rule the worker stores with each consensus:
 * - a task a volunteer asked the team to check (`askedForCheckOf`: they ticked a transcription's "I'm not sure"), on
 *   the consensus path or off it;
 * - a transcription, a fields or a marking task on the consensus path that volunteers answered, whose consensus is
 *   low (`lowConsensus`: a word or a field without a majority, a thing marked by a third to two thirds);
 * - a task the consensus path does not reach that volunteers answered anyway (its `offPath`), cut off by a question
 *   with no majority: no answer (a tie, no votes) or one no more than half its volunteers gave. One "no" and one
 *   "yes" with a transcription otherwise leave the transcription in no consensus and flagged nowhere.
 * `subject` is every task's consensus of the same subject, to read the question that cut the task off.
 */
export function needsChecking(consensus: Judged, subject: readonly Judged[]): boolean {
  if (consensus.votes === 0) return false;
  if (askedForCheckOf(consensus) > 0) return true;
  const notReached = notReachedOf(consensus);
  if (!notReached) return consensus.result.lowConsensus === true;
  const question = subject.find((each) => each.task === notReached.task);
  return !question || question.answer === null || question.agreement === null || question.agreement <= NO_MAJORITY_AT_MOST;
}
