import { levenshtein, words } from './edit-distance';
import { type UntaggedText, retag, untag } from './text-tags';

/** One slot of a word transition network: each candidate word (or '' for "no word here") with its number of sources. */
export type Slot = Map<string, number>;

/** Cost of putting `word` in `slot`: 0 for a word already there, up to 1 for a different one. */
export type SubstitutionCost = (word: string, slot: Slot) => number;

const exactCost: SubstitutionCost = (word, slot) => (slot.has(word) ? 0 : 1);

const wordDistances = new Map<string, Map<string, number>>();

/** The memo of `word`'s distances to other words (cleared when it holds many words, so it cannot grow without end). */
function distancesFrom(word: string): Map<string, number> {
  let row = wordDistances.get(word);
  if (!row) {
    if (wordDistances.size > 20_000) wordDistances.clear();
    row = new Map();
    wordDistances.set(word, row);
  }
  return row;
}

/** Normalised character distance of two words, memoised (in `row`, `a`'s) because alignment asks for the same pairs again and again. */
function wordDistance(a: string, b: string, row = distancesFrom(a)): number {
  const longer = Math.max(a.length, b.length);
  if (Math.abs(a.length - b.length) >= longer / 2) return 1;
  let distance = row.get(b);
  if (distance === undefined) {
    distance = levenshtein(a.toLowerCase(), b.toLowerCase()) / longer;
    row.set(b, distance);
  }
  return distance;
}

/** Substitution cost from the nearest word of the slot, so that misspellings align with each other. */
export const nearMatchCost: SubstitutionCost = (word, slot) => {
  if (slot.has(word)) return 0;
  if (!word) return 1;
  const row = distancesFrom(word);
  let best = 1;
  for (const other of slot.keys()) if (other) best = Math.min(best, wordDistance(word, other, row));
  return best;
};

function joined(slot: Slot, word: string): Slot {
  const next = new Map(slot);
  next.set(word, (next.get(word) ?? 0) + 1);
  return next;
}

const MATCH = 0;
const DELETE = 1;
const INSERT = 2;

/**
 * Aligns one more hypothesis to the network by dynamic programming (Fiscus 1997, section 2.1). Ties go to
 * match, then deletion, then insertion, as in crowd-kit, so that results match it exactly. With a finite `band`,
 * only cells near the length-scaled diagonal are computed (long texts), stored band-wise to save memory.
 */
function align(slots: Slot[], hypothesis: readonly string[], sources: number, cost: SubstitutionCost, band: number): Slot[] {
  const [n, m] = [hypothesis.length, slots.length];
  const width = Math.min(m + 1, 2 * band + 1);
  const offset = (i: number) => (width === m + 1 ? 0 : Math.round((i * m) / Math.max(n, 1)) - band);
  const distance = new Float64Array((n + 1) * width).fill(Infinity);
  const steps = new Uint8Array((n + 1) * width);
  /** The cell (row, j) of a row stored from column `off`, or Infinity outside the band. */
  const cell = (row: number, off: number, j: number) => {
    const k = j - off;
    return k >= 0 && k < width ? distance[row * width + k]! : Infinity;
  };
  for (let i = 0; i <= n; i++) {
    const off = offset(i);
    const previousOff = i > 0 ? offset(i - 1) : 0;
    const word = i > 0 ? hypothesis[i - 1]! : '';
    for (let k = Math.max(0, -off); k < width && off + k <= m; k++) {
      const j = off + k;
      let best: number;
      let step: number;
      if (i === 0 && j === 0) [best, step] = [0, MATCH];
      else if (i === 0) [best, step] = [j, DELETE];
      else if (j === 0) [best, step] = [i, INSERT];
      else {
        const slot = slots[j - 1]!;
        best = cell(i - 1, previousOff, j - 1) + cost(word, slot);
        step = MATCH;
        const deletion = (k > 0 ? distance[i * width + k - 1]! : Infinity) + (slot.has('') ? 0 : 1);
        if (deletion < best) [best, step] = [deletion, DELETE];
        const insertion = cell(i - 1, previousOff, j) + 1;
        if (insertion < best) [best, step] = [insertion, INSERT];
      }
      distance[i * width + k] = best;
      steps[i * width + k] = step;
    }
  }
  const result: Slot[] = [];
  let [i, j] = [n, m];
  while (i > 0 || j > 0) {
    const step = i === 0 ? DELETE : j === 0 ? INSERT : steps[i * width + j - offset(i)]!;
    if (step === MATCH) result.push(joined(slots[--j]!, hypothesis[--i]!));
    else if (step === DELETE) result.push(joined(slots[--j]!, ''));
    else result.push(joined(new Map([['', sources]]), hypothesis[--i]!));
  }
  return result.reverse();
}

/** Builds the word transition network of tokenised hypotheses, aligning them in the given order. */
export function wordTransitionNetwork(hypotheses: readonly (readonly string[])[], cost: SubstitutionCost = exactCost, band = Infinity): Slot[] {
  if (hypotheses.length === 0) return [];
  let slots: Slot[] = hypotheses[0]!.map((word) => new Map([[word, 1]]));
  for (let index = 1; index < hypotheses.length; index++) {
    const hypothesis = hypotheses[index]!;
    slots = align(slots, hypothesis, index, cost, Math.max(band, Math.abs(hypothesis.length - slots.length) + band));
  }
  return slots;
}

/** crowd-kit's choice per slot: most sources, then the longer word, then the greater string. */
function roverWinner(slot: Slot): string {
  let best = '';
  let bestCount = -1;
  for (const [word, count] of slot) {
    if (count > bestCount || (count === bestCount && (word.length > best.length || (word.length === best.length && word > best)))) [best, bestCount] = [word, count];
  }
  return best;
}

/**
 * ROVER exactly as crowd-kit runs it: hypotheses in the given order, tokenised by `tokenize` (default: split on
 * single spaces, so double spaces give empty tokens), majority per slot, empty words dropped.
 */
export function rover(texts: readonly string[], tokenize: (text: string) => string[] = (text) => text.split(' '), detokenize: (tokens: string[]) => string = (tokens) => tokens.join(' ')): string {
  const slots = wordTransitionNetwork(texts.map(tokenize));
  return detokenize(slots.map(roverWinner).filter((word) => word !== ''));
}

export interface ConsensusWord {
  /** '' where most transcriptions have no word and the others have one (the variants say which): not in `text`. */
  word: string;
  /** Share of the transcriptions that have this word in this slot. */
  agreement: number;
  /** Other readings of the slot with their number of transcriptions ('' = no word). */
  variants: Record<string, number>;
  /** Text tags (`unclear`, …) that at least half of the transcriptions with a word here put around it. */
  tags?: string[];
}

export interface TranscriptionConsensus {
  text: string;
  /** Consensus words per line of `text`, and the words some added where most have none (`word` ''). */
  lines: ConsensusWord[][];
  /** Mean share of transcriptions that agree with the decision of each slot, words and gaps alike. */
  score: number;
  lowConsensus: boolean;
  transcriptions: number;
}

export interface TranscriptionOptions {
  /** Below this score (or with fewer than `minTranscriptions`), the result is flagged for review. */
  lowConsensusBelow?: number;
  minTranscriptions?: number;
  /** The task's text tags (`textTags`), voted on apart from the words; other bracketed text is part of the words. */
  textTags?: readonly string[];
}

/** Long texts are aligned within a band around the diagonal; short ones exactly. */
function bandFor(tokenised: readonly string[][]): number {
  return Math.max(...tokenised.map((t) => t.length)) > 200 ? 40 : Infinity;
}

/** Centre-star order: the transcription closest to all others first, then the others by distance to it. */
function centreStarOrder(tokenised: readonly string[][]): number[] {
  const band = bandFor(tokenised);
  const distances = tokenised.map(() => new Array<number>(tokenised.length).fill(0));
  for (let a = 0; a < tokenised.length; a++) {
    for (let b = a + 1; b < tokenised.length; b++) {
      distances[a]![b] = distances[b]![a] = levenshtein(tokenised[a]!, tokenised[b]!, Math.max(band, Math.abs(tokenised[a]!.length - tokenised[b]!.length) + band));
    }
  }
  const totals = distances.map((row) => row.reduce((x, y) => x + y, 0));
  const centre = totals.indexOf(Math.min(...totals));
  const rest = tokenised.map((_, i) => i).filter((i) => i !== centre);
  rest.sort((a, b) => distances[centre]![a]! - distances[centre]![b]! || a - b);
  return [centre, ...rest];
}

function consensusSlot(slot: Slot, n: number): { word: string; count: number; variants: Record<string, number> } {
  let best = '';
  let bestCount = -1;
  // Most transcriptions, then a word over a gap, then the smallest string, so the result never depends on Map order.
  for (const [word, count] of [...slot].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (count > bestCount || (count === bestCount && best === '' && word !== '')) [best, bestCount] = [word, count];
  }
  const listed = [...slot].reduce((sum, [, count]) => sum + count, 0);
  const variants = Object.fromEntries([...slot].filter(([word]) => word !== best));
  if (listed < n) variants[''] = (variants[''] ?? 0) + n - listed;
  return { word: best, count: bestCount, variants };
}

/** A slot most transcriptions fill with a word (the others are kept in `lines` for their variants). */
const isWord = (slot: ConsensusWord) => slot.word !== '';

function alignLines(lines: readonly string[][]): { words: ConsensusWord[]; agreements: number[] } {
  const n = lines.length;
  const order = centreStarOrder(lines);
  const slots = wordTransitionNetwork(order.map((i) => lines[i]!), nearMatchCost, bandFor(lines));
  const result: ConsensusWord[] = [];
  const agreements: number[] = [];
  for (const slot of slots) {
    const { word, count, variants } = consensusSlot(slot, n);
    agreements.push(count / n);
    result.push({ word, agreement: count / n, variants });
  }
  return { words: result, agreements };
}

/** The consensus of transcriptions with the same number of lines: each line aligned with the same line of the others. */
function alignLineByLine(transcriptions: readonly string[][]): { lines: ConsensusWord[][]; agreements: number[] } {
  const aligned = transcriptions[0]!.map((_, line) => alignLines(transcriptions.map((lines) => words(lines[line]!))));
  return { lines: aligned.map((line) => line.words), agreements: aligned.flatMap((line) => line.agreements) };
}

/** Cells at most in one line-break alignment; beyond it, a transcription's words are placed in proportion. */
const MOST_ALIGNMENT_CELLS = 20_000_000;
const SUBSTITUTE = 0;
const SKIP_WORD = 1;
const SKIP_CONSENSUS = 2;

/**
 * For each word of a transcription, the index of the consensus word it aligns with (the same word, or a variant of it),
 * or -1 for a word the consensus left out: an edit-distance alignment of the two word sequences, near matches cheap.
 * Long texts are aligned within a band around the diagonal, as the word alignment itself is, one row of costs at a time.
 */
function alignedTo(consensus: readonly string[], words: readonly string[]): number[] {
  const [n, m] = [words.length, consensus.length];
  const band = (Math.max(n, m) > 200 ? 40 : Infinity) + Math.abs(n - m);
  const width = Math.min(m + 1, 2 * band + 1);
  if ((n + 1) * width > MOST_ALIGNMENT_CELLS) return words.map((_, i) => Math.floor((i * m) / n));
  const offset = (i: number) => (width === m + 1 ? 0 : Math.round((i * m) / Math.max(n, 1)) - band);
  const steps = new Uint8Array((n + 1) * width);
  let previous = new Float64Array(width).fill(Infinity);
  let current = new Float64Array(width);
  for (let k = 0; k < width; k++) {
    const j = offset(0) + k;
    if (j >= 0 && j <= m) [previous[k], steps[k]] = [j, SKIP_CONSENSUS];
  }
  for (let i = 1; i <= n; i++) {
    current.fill(Infinity);
    const [here, above] = [offset(i), offset(i - 1)];
    const costAbove = (j: number) => (j - above >= 0 && j - above < width ? previous[j - above]! : Infinity);
    for (let k = 0; k < width; k++) {
      const j = here + k;
      if (j < 0 || j > m) continue;
      let [best, step] = [costAbove(j) + 1, SKIP_WORD];
      if (j > 0) {
        const substitute = costAbove(j - 1) + (words[i - 1] === consensus[j - 1] ? 0 : wordDistance(words[i - 1]!, consensus[j - 1]!));
        if (substitute <= best) [best, step] = [substitute, SUBSTITUTE];
        if (k > 0 && current[k - 1]! + 1 < best) [best, step] = [current[k - 1]! + 1, SKIP_CONSENSUS];
      }
      [current[k], steps[i * width + k]] = [best, step];
    }
    [previous, current] = [current, previous];
  }
  const aligned = new Array<number>(n).fill(-1);
  let [i, j] = [n, m];
  while (i > 0 && j > 0) {
    const step = steps[i * width + j - offset(i)];
    if (step === SUBSTITUTE) aligned[--i] = --j;
    else if (step === SKIP_WORD) i--;
    else j--;
  }
  return aligned;
}

/**
 * Where transcriptions that differ in their lines break them: each break is placed after the consensus word that the
 * last word before it aligns with, and counted once per transcription. Returns the number of transcriptions that
 * break after each consensus word (by its index).
 */
function lineBreakVotes(consensus: readonly string[], transcriptions: readonly string[][]): Map<number, number> {
  const votes = new Map<number, number>();
  for (const lines of transcriptions) {
    const lineWords = lines.map(words);
    const aligned = alignedTo(consensus, lineWords.flat());
    const breaks = new Set<number>();
    let end = 0;
    for (const line of lineWords.slice(0, -1)) {
      end += line.length;
      const before = aligned.slice(0, end).findLast((index) => index >= 0);
      if (before !== undefined) breaks.add(before);
    }
    for (const after of breaks) votes.set(after, (votes.get(after) ?? 0) + 1);
  }
  return votes;
}

/**
 * The consensus of transcriptions that differ in their lines: the whole texts aligned as one line, then cut where
 * most transcriptions break their lines; each place some break and others do not counts toward the score as a slot.
 */
function alignWholeTexts(transcriptions: readonly string[][]): { lines: ConsensusWord[][]; agreements: number[] } {
  const n = transcriptions.length;
  const { words: slots, agreements } = alignLines(transcriptions.map((lines) => words(lines.join(' '))));
  const consensus = slots.filter(isWord).map((slot) => slot.word);
  const votes = lineBreakVotes(consensus, transcriptions);
  const lines: ConsensusWord[][] = [[]];
  let index = -1;
  for (const slot of slots) {
    lines.at(-1)!.push(slot);
    if (!isWord(slot)) continue;
    index += 1;
    if ((votes.get(index) ?? 0) * 2 > n && index < consensus.length - 1) lines.push([]);
  }
  for (const [after, count] of votes) {
    if (count < n && after < consensus.length - 1) agreements.push(Math.max(count, n - count) / n);
  }
  return { lines, agreements };
}

/**
 * Gives each consensus word the text tags that at least half of the transcriptions with a word aligned to it put
 * around it: the words were aligned without their tags, so "[unclear]Sir[/unclear]" and "Sir" agree on the word.
 */
function voteTags(consensus: ConsensusWord[], untagged: readonly UntaggedText[]): void {
  if (!untagged.some((text) => text.tags.some((tags) => tags.length))) return;
  const plain = consensus.map((slot) => slot.word);
  const writers = new Array<number>(consensus.length).fill(0);
  const tagged = consensus.map(() => new Map<string, number>());
  for (const text of untagged) {
    alignedTo(plain, text.lines.flatMap(words)).forEach((index, word) => {
      if (index < 0) return;
      writers[index]! += 1;
      for (const tag of text.tags[word]!) tagged[index]!.set(tag, (tagged[index]!.get(tag) ?? 0) + 1);
    });
  }
  consensus.forEach((slot, index) => {
    const tags = [...tagged[index]!].filter(([, count]) => count * 2 >= writers[index]!).map(([tag]) => tag);
    if (tags.length) slot.tags = tags.sort();
  });
}

/**
 * Consensus of several transcriptions of one subject: words aligned ROVER-style with near matches allowed, the
 * most common reading kept per slot. Lines are aligned one by one when every transcription has the same number
 * of lines; otherwise the whole texts are aligned as one, and cut where most transcriptions break their lines.
 * Text tags are voted on per word, apart from the words (`voteTags`). The consensus is in Unicode NFC.
 */
export function transcriptionConsensus(texts: readonly string[], options: TranscriptionOptions = {}): TranscriptionConsensus {
  const { lowConsensusBelow = 0.6, minTranscriptions = 2, textTags = [] } = options;
  const n = texts.length;
  if (n === 0) return { text: '', lines: [], score: 0, lowConsensus: true, transcriptions: 0 };
  // A letter typed as one character or as a letter and its combining accent (as some keyboards send it) is one letter.
  const untagged = texts.map((text) => untag(text.normalize('NFC'), textTags));
  const split = untagged.map((text) => text.lines);
  const sameShape = split.every((lines) => lines.length === split[0]!.length);
  const { lines: allLines, agreements } = sameShape ? alignLineByLine(split) : alignWholeTexts(split);
  const score = agreements.length ? agreements.reduce((a, b) => a + b, 0) / agreements.length : 1;
  const lines = allLines.filter((line) => line.some(isWord));
  voteTags(lines.flat().filter(isWord), untagged);
  return {
    text: lines.map((line) => retag(line.filter(isWord))).join('\n'),
    lines,
    score,
    lowConsensus: n < minTranscriptions || score < lowConsensusBelow,
    transcriptions: n,
  };
}
