/** The first milestones of a volunteer's classifications in a workflow; after the last, one every `EVERY`. */
const FIRST = [10, 25, 50, 100, 250, 500, 1000];
const EVERY = 1000;

/** The milestone that `after` classifications reach and `before` had not, if any (the highest, should several be passed). */
export function milestoneReached(before: number, after: number): number | undefined {
  const reached = after >= EVERY ? Math.floor(after / EVERY) * EVERY : [...FIRST].reverse().find((milestone) => milestone <= after);
  return reached !== undefined && reached > before ? reached : undefined;
}
