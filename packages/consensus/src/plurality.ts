/**
 * How a task's consensus answer stands against the answers most volunteers gave. Under `bayes` the volunteers' learned
 * skills (or the answers' prior) can make an answer fewer volunteers gave the consensus; a plurality vote and a close
 * reading's sense vote never do, their answer is one of the most voted by construction.
 */
export interface PluralityStanding {
  /** The consensus answer is not among the most-voted answers. */
  against: boolean;
  /** The volunteers who gave the consensus answer. */
  answerVotes: number;
  /** The volunteers who gave the most-voted answer (each of them, in a tie). */
  mostVotes: number;
}

/** The algorithms whose consensus is one of the answers counted in their result's `counts` (the volunteers behind each). */
export const CHOSEN_AMONG_COUNTS: ReadonlySet<string> = new Set(['plurality-vote', 'bayesian-confusion', 'sense-vote']);

/**
 * The standing of a task's consensus (a stored one, or `reduceSubject`'s) against its most-voted answers; null where
 * there is none to take: no answer (no votes, a tie), or a task type whose consensus is no one answer among counted
 * ones (multiple choice and tagging decide each answer or tag by its own majority, a transcription aligns words).
 */
export function pluralityStanding({ answer, algorithm, result }: { answer: string | null; algorithm: string; result: Record<string, unknown> }): PluralityStanding | null {
  const counts = result.counts as Record<string, number> | undefined;
  if (answer === null || !CHOSEN_AMONG_COUNTS.has(algorithm) || !counts) return null;
  const answerVotes = counts[answer] ?? 0;
  const mostVotes = Math.max(answerVotes, ...Object.values(counts));
  return { against: answerVotes < mostVotes, answerVotes, mostVotes };
}
