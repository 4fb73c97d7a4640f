/** The agreement at or below which an answer has no majority of its volunteers behind it (1 of 2, 2 of 5). */
export const NO_MAJORITY_AT_MOST = 0.5;

/** The result of a plurality vote over answer values. */
export interface VoteResult {
  /** The leading answer; null when there are no votes or the lead is tied. */
  answer: string | null;
  /** Every answer that shares the lead (more than one means a tie). */
  leaders: string[];
  counts: Record<string, number>;
  /** Share of the (weighted) votes held by the leading answer; null without votes. */
  agreement: number | null;
  votes: number;
}

export interface Vote {
  answer: string;
  /** A volunteer's weight; 1 unless a skill model says otherwise. */
  weight?: number;
}

/** Plurality vote with agreement and explicit ties. */
export function pluralityVote(votes: readonly Vote[], minimumVotes = 1): VoteResult {
  const counts: Record<string, number> = {};
  let total = 0;
  for (const { answer, weight = 1 } of votes) {
    counts[answer] = (counts[answer] ?? 0) + weight;
    total += weight;
  }
  if (votes.length < minimumVotes || total <= 0) return { answer: null, leaders: [], counts, agreement: null, votes: votes.length };
  const top = Math.max(...Object.values(counts));
  const leaders = Object.keys(counts)
    .filter((answer) => counts[answer] === top)
    .sort();
  return { answer: leaders.length === 1 ? leaders[0]! : null, leaders, counts, agreement: top / total, votes: votes.length };
}
