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
 * Where a sequence of words breaks its lines: `ends[i]` is true when a line ends after its first `i` words (so at 0
 * and at its length too).
 */
export type LineEnds = readonly boolean[];

/** The line ends of a text's words, line by line. */
export function lineEndsOf(lines: readonly (readonly string[])[]): boolean[] {
  const ends = [true];
  for (const line of lines) for (let k = 1; k <= line.length; k++) ends.push(k === line.length);
  return ends;
}

/**
 * Aligns one more hypothesis to the network by dynamic programming (Fiscus 1997, section 2.1). Ties go to
 * match, then deletion, then insertion, as in crowd-kit, so that results match it exactly. With a finite `band`,
 * only cells near the length-scaled diagonal are computed (long texts), stored band-wise to save memory.
 *
 * Given where the lines of the network (`slotEnds`) and of the hypothesis (`hypothesisEnds`) end, alignments of the
 * same cost are told apart by their gaps inside a line: a line one transcription skipped or added is a gap between two
 * lines, not the end of one line and the start of the next (where the same words begin and end lines, as "Line one
 * here / Line two here" do, both cost the same). Returns the network's line ends too.
 */
function align(
  network: { slots: Slot[]; ends?: LineEnds },
  hypothesis: readonly string[],
  hypothesisEnds: LineEnds | undefined,
  sources: number,
  cost: SubstitutionCost,
  band: number,
): { slots: Slot[]; ends?: LineEnds } {
  const { slots } = network;
  const [n, m] = [hypothesis.length, slots.length];
  const withLines = network.ends !== undefined && hypothesisEnds !== undefined;
  const [slotEnds, ends] = withLines ? [network.ends!, hypothesisEnds!] : [new Array<boolean>(m + 1).fill(true), new Array<boolean>(n + 1).fill(true)];
  // 1 where a word inserted after the first j slots would be a gap inside a line of the network.
  const insideSlotLine = Uint8Array.from(slotEnds, (end) => (end ? 0 : 1));
  const width = Math.min(m + 1, 2 * band + 1);
  const offset = (i: number) => (width === m + 1 ? 0 : Math.round((i * m) / Math.max(n, 1)) - band);
  const distance = new Float64Array((n + 1) * width).fill(Infinity);
  // Gaps inside a line on the way to each cell: the tie-break between alignments of the same distance.
  const gaps = new Uint32Array((n + 1) * width);
  const steps = new Uint8Array((n + 1) * width);
  /** The index of cell (row, j) of a row stored from column `off`, or -1 outside the band. */
  const cellAt = (row: number, off: number, j: number) => {
    const k = j - off;
    return k >= 0 && k < width ? row * width + k : -1;
  };
  for (let i = 0; i <= n; i++) {
    const off = offset(i);
    const previousOff = i > 0 ? offset(i - 1) : 0;
    const word = i > 0 ? hypothesis[i - 1]! : '';
    const deletionGap = ends[i] ? 0 : 1;
    for (let k = Math.max(0, -off); k < width && off + k <= m; k++) {
      const j = off + k;
      const here = i * width + k;
      let best = 0;
      let bestGaps = 0;
      let step = MATCH;
      if (i === 0 && j > 0) [best, step] = [j, DELETE];
      else if (j === 0 && i > 0) [best, step] = [i, INSERT];
      else if (i > 0) {
        const slot = slots[j - 1]!;
        const diagonal = cellAt(i - 1, previousOff, j - 1);
        best = diagonal < 0 ? Infinity : distance[diagonal]! + cost(word, slot);
        bestGaps = diagonal < 0 ? 0 : gaps[diagonal]!;
        const deletion = (k > 0 ? distance[here - 1]! : Infinity) + (slot.has('') ? 0 : 1);
        const deletionGaps = (k > 0 ? gaps[here - 1]! : 0) + deletionGap;
        if (deletion < best || (deletion === best && deletionGaps < bestGaps)) {
          best = deletion;
          bestGaps = deletionGaps;
          step = DELETE;
        }
        const above = cellAt(i - 1, previousOff, j);
        const insertion = above < 0 ? Infinity : distance[above]! + 1;
        const insertionGaps = above < 0 ? 0 : gaps[above]! + insideSlotLine[j]!;
        if (insertion < best || (insertion === best && insertionGaps < bestGaps)) {
          best = insertion;
          bestGaps = insertionGaps;
          step = INSERT;
        }
      }
      distance[here] = best;
      gaps[here] = bestGaps;
      steps[here] = step;
    }
  }
  const result: Slot[] = [];
  // Whether a line ends after each slot of the result (backwards): where one ended in the network or the hypothesis.
  const endsAfter: boolean[] = [];
  let [i, j] = [n, m];
  while (i > 0 || j > 0) {
    const step = i === 0 ? DELETE : j === 0 ? INSERT : steps[i * width + j - offset(i)]!;
    endsAfter.push((step !== INSERT && slotEnds[j]!) || (step !== DELETE && ends[i]!));
    if (step === MATCH) result.push(joined(slots[--j]!, hypothesis[--i]!));
    else if (step === DELETE) result.push(joined(slots[--j]!, ''));
    else result.push(joined(new Map([['', sources]]), hypothesis[--i]!));
  }
  return { slots: result.reverse(), ends: withLines ? [true, ...endsAfter.reverse()] : undefined };
}

/**
 * Builds the word transition network of tokenised hypotheses, aligning them in the given order. With the line ends of
 * every hypothesis (`lineEndsOf`), alignments of the same cost keep lines whole (see `align`).
 */
export function wordTransitionNetwork(hypotheses: readonly (readonly string[])[], cost: SubstitutionCost = exactCost, band = Infinity, lineEnds?: readonly LineEnds[]): Slot[] {
  if (hypotheses.length === 0) return [];
  let network: { slots: Slot[]; ends?: LineEnds } = { slots: hypotheses[0]!.map((word) => new Map([[word, 1]])), ends: lineEnds?.[0] };
  for (let index = 1; index < hypotheses.length; index++) {
    const hypothesis = hypotheses[index]!;
    network = align(network, hypothesis, lineEnds?.[index], index, cost, Math.max(band, Math.abs(hypothesis.length - network.slots.length) + band));
  }
  return network.slots;
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

/** A place where some transcriptions break a line and others do not (transcriptions that differ in their lines). */
export interface LineBreakSlot {
  /** The break follows `lines[line][after]`, a word of the consensus. */
  line: number;
  after: number;
  /** Transcriptions that break their line there. */
  votes: number;
  /** Share of the transcriptions that agree with the consensus there (break, or not). */
  agreement: number;
  /** The consensus breaks its line there (more than half do): `lines[line][after]` ends its line. */
  kept: boolean;
}

export interface TranscriptionConsensus {
  text: string;
  /** Consensus words per line of `text`, and the words some added where most have none (`word` ''). */
  lines: ConsensusWord[][];
  /** The places where transcriptions disagree on a line break: slots of the score beside those of `lines`. */
  breaks: LineBreakSlot[];
  /** Mean share of transcriptions that agree with the decision of each slot: those of `lines` and of `breaks`. */
  score: number;
  /** Worth a review: fewer than `minTranscriptions`, a score below `lowConsensusBelow`, or a slot of `lines` without a majority. */
  lowConsensus: boolean;
  transcriptions: number;
}

/** The score below which a transcription's consensus is flagged for review (`lowConsensus`), unless told otherwise. */
export const LOW_CONSENSUS_BELOW = 0.6;

export interface TranscriptionOptions {
  /** Below this score (or with fewer than `minTranscriptions`, or a slot no reading has more than half of), the result is flagged for review. */
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

function alignLines(lines: readonly string[][], lineEnds?: readonly LineEnds[]): { words: ConsensusWord[]; agreements: number[] } {
  const n = lines.length;
  const order = centreStarOrder(lines);
  const slots = wordTransitionNetwork(order.map((i) => lines[i]!), nearMatchCost, bandFor(lines), lineEnds && order.map((i) => lineEnds[i]!));
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
function alignLineByLine(transcriptions: readonly string[][]): { lines: ConsensusWord[][]; breaks: LineBreakSlot[]; agreements: number[] } {
  const aligned = transcriptions[0]!.map((_, line) => alignLines(transcriptions.map((lines) => words(lines[line]!))));
  return { lines: aligned.map((line) => line.words), breaks: [], agreements: aligned.flatMap((line) => line.agreements) };
}

/** Cells at most in one line-break alignment; beyond it, a transcription's words are placed in proportion. */
const MOST_ALIGNMENT_CELLS = 20_000_000;
const SUBSTITUTE = 0;
const SKIP_WORD = 1;
const SKIP_CONSENSUS = 2;

/**
 * For each word of a transcription (its lines of words), the index of the consensus word it aligns with (the same
 * word, or a variant of it), or -1 for a word the consensus left out: an edit-distance alignment of the two word
 * sequences, near matches cheap, and of alignments of the same cost the one whose skipped consensus words fall
 * between the transcription's lines (a line it skipped). Long texts are aligned within a band around the diagonal, as
 * the word alignment itself is, one row of costs at a time.
 */
function alignedTo(consensus: readonly string[], lines: readonly (readonly string[])[]): number[] {
  const words = lines.flat();
  const ends = lineEndsOf(lines);
  const [n, m] = [words.length, consensus.length];
  const band = (Math.max(n, m) > 200 ? 40 : Infinity) + Math.abs(n - m);
  const width = Math.min(m + 1, 2 * band + 1);
  if ((n + 1) * width > MOST_ALIGNMENT_CELLS) return words.map((_, i) => Math.floor((i * m) / n));
  const offset = (i: number) => (width === m + 1 ? 0 : Math.round((i * m) / Math.max(n, 1)) - band);
  const steps = new Uint8Array((n + 1) * width);
  let previous = new Float64Array(width).fill(Infinity);
  let current = new Float64Array(width);
  // Consensus words skipped inside a line of the transcription: the tie-break between alignments of the same cost.
  let previousGaps = new Uint32Array(width);
  let currentGaps = new Uint32Array(width);
  for (let k = 0; k < width; k++) {
    const j = offset(0) + k;
    if (j >= 0 && j <= m) [previous[k], steps[k]] = [j, SKIP_CONSENSUS];
  }
  for (let i = 1; i <= n; i++) {
    current.fill(Infinity);
    currentGaps.fill(0);
    const [here, above] = [offset(i), offset(i - 1)];
    const inAbove = (j: number) => j - above >= 0 && j - above < width;
    const skipGap = ends[i] ? 0 : 1;
    for (let k = 0; k < width; k++) {
      const j = here + k;
      if (j < 0 || j > m) continue;
      let best = Infinity;
      let gaps = 0;
      let step = SKIP_WORD;
      if (inAbove(j)) {
        best = previous[j - above]! + 1;
        gaps = previousGaps[j - above]!;
      }
      if (j > 0 && inAbove(j - 1)) {
        const substitute = previous[j - 1 - above]! + (words[i - 1] === consensus[j - 1] ? 0 : wordDistance(words[i - 1]!, consensus[j - 1]!));
        const substituteGaps = previousGaps[j - 1 - above]!;
        if (substitute < best || (substitute === best && substituteGaps <= gaps)) {
          best = substitute;
          gaps = substituteGaps;
          step = SUBSTITUTE;
        }
      }
      if (j > 0 && k > 0) {
        const skip = current[k - 1]! + 1;
        const skipGaps = currentGaps[k - 1]! + skipGap;
        if (skip < best || (skip === best && skipGaps < gaps)) {
          best = skip;
          gaps = skipGaps;
          step = SKIP_CONSENSUS;
        }
      }
      current[k] = best;
      currentGaps[k] = gaps;
      steps[i * width + k] = step;
    }
    [previous, current] = [current, previous];
    [previousGaps, currentGaps] = [currentGaps, previousGaps];
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
 * Where a transcription breaks its lines, against the consensus. `first`: the index of the consensus word the last word
 * before a break aligns with; `last`: of the consensus word before the one the first word after it aligns with (the
 * same, unless it skipped consensus words there, such as a line it left out). The consensus words it skipped before
 * its first word or after its last are spans too, with no break of its own (`broken` false).
 */
function breakSpans(consensus: readonly string[], lines: readonly string[][]): { first: number; last: number; broken: boolean }[] {
  const aligned = alignedTo(consensus, lines);
  const placed = aligned.filter((index) => index >= 0);
  if (!placed.length) return [];
  const spans = [{ first: 0, last: placed[0]! - 1, broken: false }, { first: placed.at(-1)!, last: consensus.length - 2, broken: false }];
  // The consensus word of the nearest placed word from each word on, going backwards: what follows each break.
  const nextPlaced = new Array<number | undefined>(aligned.length + 1);
  for (let word = aligned.length - 1; word >= 0; word--) nextPlaced[word] = aligned[word]! >= 0 ? aligned[word] : nextPlaced[word + 1];
  let [end, before] = [0, -1];
  for (const line of lines.slice(0, -1)) {
    for (const index of aligned.slice(end, end + line.length)) if (index >= 0) before = index;
    end += line.length;
    const after = nextPlaced[end];
    if (before >= 0) spans.push({ first: before, last: after === undefined ? before : Math.max(before, after - 1), broken: true });
  }
  return spans;
}

/**
 * Where transcriptions that differ in their lines break them: each break is placed after the consensus word that the
 * last word before it aligns with, and counted once per transcription. A transcription that skipped consensus words
 * (a line it left out, at a break or at either end of its text) is counted as breaking wherever another transcription
 * breaks among them: a line left out leaves out the break that ends it too. Returns the number of transcriptions that
 * break after each consensus word (by its index).
 */
function lineBreakVotes(consensus: readonly string[], transcriptions: readonly string[][]): Map<number, number> {
  const spans = transcriptions.map((lines) => breakSpans(consensus, lines.map(words)));
  const votes = new Map<number, number>();
  spans.forEach((own, transcription) => {
    const others = new Set(spans.flatMap((breaks, other) => (other === transcription ? [] : breaks.filter((span) => span.broken).map((span) => span.first))));
    const places = new Set<number>();
    for (const { first, last, broken } of own) {
      const between = Array.from({ length: Math.max(0, last - first + 1) }, (_, k) => first + k).filter((after) => others.has(after));
      for (const after of between.length || !broken ? between : [first]) places.add(after);
    }
    for (const after of places) votes.set(after, (votes.get(after) ?? 0) + 1);
  });
  return votes;
}

/**
 * The consensus of transcriptions that differ in their lines: the whole texts aligned as one line (alignments that keep
 * lines whole first), then cut where most transcriptions break their lines; each place some break and others do not
 * counts toward the score as a slot, and is listed in `breaks`.
 */
function alignWholeTexts(transcriptions: readonly string[][]): { lines: ConsensusWord[][]; breaks: LineBreakSlot[]; agreements: number[] } {
  const n = transcriptions.length;
  const lineWords = transcriptions.map((lines) => lines.map(words));
  const { words: slots, agreements } = alignLines(lineWords.map((lines) => lines.flat()), lineWords.map(lineEndsOf));
  const consensus = slots.filter(isWord).map((slot) => slot.word);
  const votes = lineBreakVotes(consensus, transcriptions);
  const lines: ConsensusWord[][] = [[]];
  const breaks: LineBreakSlot[] = [];
  let index = -1;
  for (const slot of slots) {
    const line = lines.at(-1)!;
    line.push(slot);
    if (!isWord(slot)) continue;
    index += 1;
    const count = votes.get(index) ?? 0;
    if (count === 0 || index === consensus.length - 1) continue;
    const kept = count * 2 > n;
    if (count < n) breaks.push({ line: lines.length - 1, after: line.length - 1, votes: count, agreement: Math.max(count, n - count) / n, kept });
    if (kept) lines.push([]);
  }
  return { lines, breaks, agreements: [...agreements, ...breaks.map((slot) => slot.agreement)] };
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
    alignedTo(plain, text.lines.map(words)).forEach((index, word) => {
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
  const { lowConsensusBelow = LOW_CONSENSUS_BELOW, minTranscriptions = 2, textTags = [] } = options;
  const n = texts.length;
  if (n === 0) return { text: '', lines: [], breaks: [], score: 0, lowConsensus: true, transcriptions: 0 };
  // A letter typed as one character or as a letter and its combining accent (as some keyboards send it) is one letter.
  const untagged = texts.map((text) => untag(text.normalize('NFC'), textTags));
  const split = untagged.map((text) => text.lines);
  const sameShape = split.every((lines) => lines.length === split[0]!.length);
  const { lines: allLines, breaks, agreements } = sameShape ? alignLineByLine(split) : alignWholeTexts(split);
  const score = agreements.length ? agreements.reduce((a, b) => a + b, 0) / agreements.length : 1;
  const lines = allLines.filter((line) => line.some(isWord));
  voteTags(lines.flat().filter(isWord), untagged);
  return {
    text: lines.map((line) => retag(line.filter(isWord))).join('\n'),
    lines,
    breaks,
    score,
    // A reading of a word that no more than half share is worth a look, however well the rest of the text agrees.
    lowConsensus: n < minTranscriptions || score < lowConsensusBelow || lines.some((line) => line.some((slot) => slot.agreement <= 0.5)),
    transcriptions: n,
  };
}
