/**
 * Posterior probability of each answer of a single-choice task, assuming every volunteer picks the true answer
 * with probability `accuracy` and spreads errors evenly over the other answers. A volunteer-skill model
 * replaces the shared accuracy with learned confusion matrices.
 */
export function symmetricPosterior(
  counts: Record<string, number>,
  answers: readonly string[],
  accuracy: number,
  prior: Record<string, number> = {},
): Record<string, number> {
  const k = answers.length;
  const total = answers.reduce((sum, answer) => sum + (counts[answer] ?? 0), 0);
  const logRight = Math.log(accuracy);
  const logWrong = Math.log((1 - accuracy) / Math.max(1, k - 1));
  const logs = answers.map((answer) => {
    const n = counts[answer] ?? 0;
    return Math.log(prior[answer] ?? 1 / k) + n * logRight + (total - n) * logWrong;
  });
  const max = Math.max(...logs);
  const weights = logs.map((log) => Math.exp(log - max));
  const sum = weights.reduce((a, b) => a + b, 0);
  return Object.fromEntries(answers.map((answer, index) => [answer, weights[index]! / sum]));
}
