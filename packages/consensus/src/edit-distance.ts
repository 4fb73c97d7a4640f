/**
 * Levenshtein distance between two sequences (unit costs). With `band`, only cells within `band` of the
 * (length-scaled) diagonal are computed: an upper bound that is exact when the best path stays in the band.
 */
export function levenshtein<T>(a: ArrayLike<T>, b: ArrayLike<T>, band = Infinity): number {
  if (a.length < b.length) [a, b] = [b, a];
  const [n, m] = [a.length, b.length];
  const bounds = (i: number): [number, number] => {
    const centre = Math.round((i * m) / n);
    return [Math.max(1, centre - band), Math.min(m, centre + band)];
  };
  let previous = Float64Array.from({ length: m + 1 }, (_, j) => (j <= band ? j : Infinity));
  let current = new Float64Array(m + 1);
  for (let i = 1; i <= n; i++) {
    const [lo, hi] = bounds(i);
    current[0] = i <= band ? i : Infinity;
    if (lo > 1) current[lo - 1] = Infinity;
    for (let j = lo; j <= hi; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    // Cells the next row reads beyond this row's band must not hold values from earlier rows.
    const nextHi = i < n ? bounds(i + 1)[1] : hi;
    current.fill(Infinity, hi + 1, nextHi + 1);
    [previous, current] = [current, previous];
  }
  return previous[m]!;
}

/** Words of a text: split on any run of whitespace, empty pieces dropped. */
export function words(text: string): string[] {
  return text.split(/\s+/u).filter((word) => word.length > 0);
}

/** Word error rate: word-level edit distance over the number of reference words. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = words(reference);
  const hyp = words(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  return levenshtein(ref, hyp) / ref.length;
}

/** Character error rate: character edit distance (by code point) over the reference length. */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const ref = [...reference];
  const hyp = [...hypothesis];
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  return levenshtein(ref, hyp) / ref.length;
}
