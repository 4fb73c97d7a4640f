/** The sequence as integer codes, equal where the items are equal (`===`), so the distance compares numbers. */
function codesOf<T>(sequence: ArrayLike<T>, codes: Map<T, number>): Int32Array {
  const result = new Int32Array(sequence.length);
  for (let i = 0; i < sequence.length; i++) {
    const item = sequence[i]!;
    let code = codes.get(item);
    if (code === undefined) {
      code = codes.size;
      codes.set(item, code);
    }
    result[i] = code;
  }
  return result;
}

/** A string's UTF-16 code units, which is what indexing it compares. */
function utf16Codes(text: string): Int32Array {
  const result = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) result[i] = text.charCodeAt(i);
  return result;
}

/**
 * Levenshtein distance between two sequences (unit costs). With `band`, only cells within `band` of the
 * (length-scaled) diagonal are computed: an upper bound that is exact when the best path stays in the band.
 */
export function levenshtein<T>(a: ArrayLike<T>, b: ArrayLike<T>, band = Infinity): number {
  if (a.length < b.length) [a, b] = [b, a];
  if (typeof a === 'string' && typeof b === 'string') return levenshteinOfCodes(utf16Codes(a), utf16Codes(b), band);
  const codes = new Map<T, number>();
  return levenshteinOfCodes(codesOf(a, codes), codesOf(b, codes), band);
}

/** `levenshtein` of integer sequences, `a` the longer: its rows are typed arrays, the hot loop compares numbers. */
function levenshteinOfCodes(a: Int32Array, b: Int32Array, band: number): number {
  const [n, m] = [a.length, b.length];
  let previous = new Float64Array(m + 1);
  let current = new Float64Array(m + 1);
  for (let j = 0; j <= m; j++) previous[j] = j <= band ? j : Infinity;
  for (let i = 1; i <= n; i++) {
    const centre = Math.round((i * m) / n);
    const [lo, hi] = [Math.max(1, centre - band), Math.min(m, centre + band)];
    current[0] = i <= band ? i : Infinity;
    if (lo > 1) current[lo - 1] = Infinity;
    const item = a[i - 1]!;
    for (let j = lo; j <= hi; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (item === b[j - 1] ? 0 : 1));
    }
    // Cells the next row reads beyond this row's band must not hold values from earlier rows.
    const nextHi = i < n ? Math.min(m, Math.round(((i + 1) * m) / n) + band) : hi;
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
