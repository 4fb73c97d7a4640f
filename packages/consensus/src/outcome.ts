import { LIST_SEPARATOR, byCodePoints } from '@chorus/tasks';
import { notReachedOf } from './aggregate';

/**
 * Why a task's consensus answer is what it is, or empty: the download's `<task>_outcome`, one of
 * - `answer`: a consensus answer, not empty;
 * - `empty_answer`: the consensus is that nothing applies (a multiple choice whose answers none has more than half the
 *   votes, a tagging task with no tag accepted, a transcription of no words, a marking task with no mark kept): an
 *   answer, empty;
 * - `tie`: volunteers answered, and two answers or more lead equally (a single choice, a close reading): no answer;
 * - `all_unsure`: a close reading whose every answer was unsure or chose no sense: no answer;
 * - `no_votes`: no counted classification answered the task yet (or the subject has not been aggregated yet);
 * - `not_reached`: the consensus path does not reach the task (`<task>_reached` false), whatever its votes.
 */
export const CONSENSUS_OUTCOMES = ['answer', 'empty_answer', 'tie', 'all_unsure', 'no_votes', 'not_reached'] as const;
export type ConsensusOutcome = (typeof CONSENSUS_OUTCOMES)[number];

/** A task's consensus as stored: its answer (null without one), its counted votes, and the algorithm's whole result. */
export interface OutcomeOf {
  answer: string | null;
  votes: number;
  result: Record<string, unknown>;
}

/** The outcome of a task's stored consensus (`undefined`: none stored for the task yet); see `CONSENSUS_OUTCOMES`. */
export function consensusOutcome(consensus: OutcomeOf | undefined): ConsensusOutcome {
  if (!consensus) return 'no_votes';
  if (notReachedOf(consensus)) return 'not_reached';
  if (consensus.votes === 0) return 'no_votes';
  if (consensus.answer === '' || (consensus.answer === '[]' && Array.isArray(consensus.result.marks))) return 'empty_answer';
  if (consensus.answer !== null) return 'answer';
  // A close reading counts its sure answers apart (`decided`): none of them, no sense to lead.
  return consensus.result.decided === 0 ? 'all_unsure' : 'tie';
}

/** Shares are given to this many decimal places. */
const SUPPORT_DECIMALS = 4;

/**
 * The download's `<task>_support` of a multiple-choice or tagging task: each choice (or tag) that volunteers picked,
 * with the share of the volunteers who answered the task that picked it (a tag: proposed or agreed with it), as
 * `horse=1;cat=0.75`: by share, the largest first, then by the choices' code points; shares rounded to
 * `SUPPORT_DECIMALS` places. Null for the other task types' results; "" when nobody picked anything.
 */
export function choiceSupport(result: Record<string, unknown>): string | null {
  const shares = sharesOf(result);
  if (!shares) return null;
  return shares
    .filter(([, share]) => share > 0)
    .sort(([a, shareA], [b, shareB]) => shareB - shareA || byCodePoints(a, b))
    .map(([choice, share]) => `${choice}=${Number(share.toFixed(SUPPORT_DECIMALS))}`)
    .join(LIST_SEPARATOR);
}

/** Each choice's share, from a multiple choice's `answers` or a tagging task's `tags`; undefined for other results. */
function sharesOf(result: Record<string, unknown>): [string, number][] | undefined {
  if (Array.isArray(result.answers)) return (result.answers as { answer: string; share: number }[]).map(({ answer, share }) => [answer, share]);
  if (Array.isArray(result.tags)) return (result.tags as { tag: string; share: number }[]).map(({ tag, share }) => [tag, share]);
  return undefined;
}
