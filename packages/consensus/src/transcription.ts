import { levenshtein, words } from './edit-distance';
import { byCodePoints, comparableText, writtenText } from '@chorus/tasks';
import { type UntaggedText, retag, untag } from './text-tags';

/** One slot of a word transition network: each candidate word (or '' for "no word here") with its number of sources. */
export type Slot = Map<string, number>;

/** Cost of putting `word` in `slot`: 0 for a word already there, up to 1 for a different one. */
export type SubstitutionCost = (word: string, slot: Slot) => number;

const exactCost: SubstitutionCost = (word, slot) => (slot.has(word) ? 0 : 1);

/**
 * The work a transcription consensus may do per transcription, counted in cells of its dynamic programmes (the word
 * alignment, the line-break and tag alignments), so that what
 * volunteers send (or guests, who need no account) bounds it whatever they type: five dissimilar 20,000-character
 * texts once took 23 s in one synchronous call of the worker. Five transcriptions of one page at the default
 * `maxLength` (20,000 characters, about 3,000 words), broken into lines differently, use about 2.2 million cells, under
 * the 3 million five may use; twenty of 2,000 words about 9 million of 12. See `bench/transcription.mjs`.
 */
export const TRANSCRIPTION_WORK_CELLS_EACH = 600_000;

/**
 * Work counted against a limit (by default `TRANSCRIPTION_WORK_CELLS_EACH` for each of `transcriptions`); `spend`
 * throws `OverBudget` once the limit is passed. One budget may serve several consensus computations of one subject (its
 * retirement replay and its consensus, see `ReduceOptions.work`).
 */
export class WorkBudget {
  /** Cells granted so far: never more than `limit`, since work is asked for before it is done. */
  used = 0;
  /** Work was refused: the consensus fell back to the cheaper one (and later ones using this budget do at once). */
  exhausted = false;
  readonly limit: number;

  constructor(transcriptions: number, limit = TRANSCRIPTION_WORK_CELLS_EACH * Math.max(2, transcriptions)) {
    this.limit = limit;
  }

  spend(cells: number): void {
    if (this.exhausted || this.used + cells > this.limit) {
      this.exhausted = true;
      throw new OverBudget();
    }
    this.used += cells;
  }
}

/** Thrown by `WorkBudget.spend` and caught by `transcriptionConsensus`, which falls back to a cheaper consensus. */
export class OverBudget extends Error {}

/**
 * Words longer than this are compared whole, not by their characters: no word of a page is, and two 20,000-character
 * "words" would cost 400 million cells each time they meet.
 */
const LONGEST_NEAR_MATCH = 64;

/** Two rows of the character distance of short words, reused so that no call allocates. */
const previousRow = new Int32Array(4 * LONGEST_NEAR_MATCH + 1);
const currentRow = new Int32Array(4 * LONGEST_NEAR_MATCH + 1);

const isAscii = (text: string) => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
};

/** An ASCII code in lower case. */
const folded = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);

/**
 * `levenshtein` of two short words in lower case, in the rows above: ASCII letters are folded as they are compared,
 * other words lowered first (a letter may then take up to three code units).
 */
function caseFoldedDistance(a: string, b: string): number {
  if (!isAscii(a) || !isAscii(b)) [a, b] = [a.toLowerCase(), b.toLowerCase()];
  if (b.length >= previousRow.length) return levenshtein(a, b);
  let [previous, current] = [previousRow, currentRow];
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const code = folded(a.charCodeAt(i - 1));
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (code === folded(b.charCodeAt(j - 1)) ? 0 : 1));
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

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

/**
 * Normalised character distance of two words, in lower case, memoised (in `row`, `a`'s) because alignment asks for the
 * same pairs again and again in a page's vocabulary.
 */
function wordDistance(a: string, b: string, row = distancesFrom(a)): number {
  if (a === b) return 0;
  const longer = Math.max(a.length, b.length);
  if (Math.abs(a.length - b.length) >= longer / 2 || longer > LONGEST_NEAR_MATCH) return 1;
  let distance = row.get(b);
  if (distance === undefined) {
    distance = caseFoldedDistance(a, b) / longer;
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
 * here / Line two here" do, both cost the same). Returns the network's line ends too, and for each slot of the
 * result, the slot of the network it extends (`from`, -1 for a new one) and the index of the hypothesis's word in it
 * (`placed`, -1 for none).
 */
function align(
  network: { slots: Slot[]; ends?: LineEnds },
  hypothesis: readonly string[],
  hypothesisEnds: LineEnds | undefined,
  sources: number,
  cost: SubstitutionCost,
  band: number,
  budget?: WorkBudget,
): { slots: Slot[]; ends?: LineEnds; from: number[]; placed: number[] } {
  const { slots } = network;
  const [n, m] = [hypothesis.length, slots.length];
  const withLines = network.ends !== undefined && hypothesisEnds !== undefined;
  const [slotEnds, ends] = withLines ? [network.ends!, hypothesisEnds!] : [new Array<boolean>(m + 1).fill(true), new Array<boolean>(n + 1).fill(true)];
  // 1 where a word inserted after the first j slots would be a gap inside a line of the network.
  const insideSlotLine = Uint8Array.from(slotEnds, (end) => (end ? 0 : 1));
  const width = Math.min(m + 1, 2 * band + 1);
  // Counted before anything is allocated: a band too wide for the budget is never filled.
  budget?.spend((n + 1) * width);
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
        const deletion = (k > 0 ? distance[here - 1]! : Infinity) + (slot.has('') ? 0 : 1);
        const deletionGaps = (k > 0 ? gaps[here - 1]! : 0) + deletionGap;
        const above = cellAt(i - 1, previousOff, j);
        const insertion = above < 0 ? Infinity : distance[above]! + 1;
        const insertionGaps = above < 0 ? 0 : gaps[above]! + insideSlotLine[j]!;
        // A substitution never costs less than nothing: from a cell dearer than a gap here it cannot win, so its cost (a
        // word's distance to the slot's) is not asked for. Most cells of a band are such, and the result is the same.
        const diagonalFrom = diagonal < 0 ? Infinity : distance[diagonal]!;
        best = diagonalFrom > Math.min(deletion, insertion) ? Infinity : diagonalFrom + cost(word, slot);
        bestGaps = diagonal < 0 ? 0 : gaps[diagonal]!;
        if (deletion < best || (deletion === best && deletionGaps < bestGaps)) {
          best = deletion;
          bestGaps = deletionGaps;
          step = DELETE;
        }
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
  const [from, placed]: number[][] = [[], []];
  let [i, j] = [n, m];
  while (i > 0 || j > 0) {
    const step = i === 0 ? DELETE : j === 0 ? INSERT : steps[i * width + j - offset(i)]!;
    endsAfter.push((step !== INSERT && slotEnds[j]!) || (step !== DELETE && ends[i]!));
    from.push(step === INSERT ? -1 : j - 1);
    placed.push(step === DELETE ? -1 : i - 1);
    if (step === MATCH) result.push(joined(slots[--j]!, hypothesis[--i]!));
    else if (step === DELETE) result.push(joined(slots[--j]!, ''));
    else result.push(joined(new Map([['', sources]]), hypothesis[--i]!));
  }
  return { slots: result.reverse(), ends: withLines ? [true, ...endsAfter.reverse()] : undefined, from: from.reverse(), placed: placed.reverse() };
}

/**
 * Builds the word transition network of tokenised hypotheses, aligning them in the given order. With the line ends of
 * every hypothesis (`lineEndsOf`), alignments of the same cost keep lines whole (see `align`).
 */
export function wordTransitionNetwork(
  hypotheses: readonly (readonly string[])[],
  cost: SubstitutionCost = exactCost,
  band = Infinity,
  lineEnds?: readonly LineEnds[],
  budget?: WorkBudget,
): Slot[] {
  return placedNetwork(hypotheses, cost, band, lineEnds, budget, false).slots;
}

/**
 * `wordTransitionNetwork`, and if `withPlaces`, which word of each hypothesis each slot holds: `places[slot][h]`, the
 * index of the word of `hypotheses[h]`, or -1 where it has none.
 */
function placedNetwork(
  hypotheses: readonly (readonly string[])[],
  cost: SubstitutionCost,
  band: number,
  lineEnds: readonly LineEnds[] | undefined,
  budget: WorkBudget | undefined,
  withPlaces: boolean,
): { slots: Slot[]; places?: Int32Array[] } {
  if (hypotheses.length === 0) return { slots: [], places: [] };
  const count = hypotheses.length;
  let network: { slots: Slot[]; ends?: LineEnds } = { slots: hypotheses[0]!.map((word) => new Map([[word, 1]])), ends: lineEnds?.[0] };
  let places = withPlaces ? hypotheses[0]!.map((_, word) => new Int32Array(count).fill(-1).fill(word, 0, 1)) : undefined;
  for (let index = 1; index < count; index++) {
    const hypothesis = hypotheses[index]!;
    const next = align(network, hypothesis, lineEnds?.[index], index, cost, Math.max(band, Math.abs(hypothesis.length - network.slots.length) + band), budget);
    if (places) {
      const before = places;
      places = next.from.map((slot, k) => {
        const row = slot < 0 ? new Int32Array(count).fill(-1) : before[slot]!.slice();
        row[index] = next.placed[k]!;
        return row;
      });
    }
    network = next;
  }
  return { slots: network.slots, places };
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
  /**
   * The reading of the slot most transcriptions have, as most of those typed it (see `transcriptionConsensus`), or ''
   * where most have no word and the others have one (the variants say which): not in `text`.
   */
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
  /**
   * Worth a review: fewer than `minTranscriptions`, a score below `lowConsensusBelow`, a slot of `lines` without a
   * majority, or a consensus that is not a full alignment (`overBudget`).
   */
  lowConsensus: boolean;
  transcriptions: number;
  /**
   * Long transcriptions set aside before aligning, as sharing too few pairs of words with the others to be of the same
   * text (`SIMILAR_AT_LEAST`): counted in `transcriptions` and in every slot's agreement (as no word there), not aligned.
   */
  setAside: number;
  /**
   * The alignment would have passed its work budget (`TRANSCRIPTION_WORK_CELLS_EACH` per transcription): the consensus is then the transcription
   * most like the others, each word's agreement the share of the transcriptions that have that word anywhere, and
   * `lowConsensus` is set.
   */
  overBudget: boolean;
}

/** The score below which a transcription's consensus is flagged for review (`lowConsensus`), unless told otherwise. */
export const LOW_CONSENSUS_BELOW = 0.6;

/** The agreement at or below which a slot's reading has no majority: the word is worth checking, and flags its consensus (`lowConsensus`). */
export const WORD_NEEDS_CHECKING_AT_MOST = 0.5;

/** A slot of a transcription's consensus whose reading no more than half of the transcriptions share. */
export const wordNeedsChecking = (slot: Pick<ConsensusWord, 'agreement'>) => slot.agreement <= WORD_NEEDS_CHECKING_AT_MOST;

export interface TranscriptionOptions {
  /** Below this score (or with fewer than `minTranscriptions`, or a slot no reading has more than half of), the result is flagged for review. */
  lowConsensusBelow?: number;
  minTranscriptions?: number;
  /** The task's text tags (`textTags`), voted on apart from the words; other bracketed text is part of the words. */
  textTags?: readonly string[];
  /** The work this consensus may do (`new WorkBudget(texts.length)` by default); one budget may serve several consensus computations. */
  budget?: WorkBudget;
}

/** Texts of more words than this (the longest of a subject's) are aligned within a band, and dissimilar ones set aside. */
const LONG_TEXT_WORDS = 200;

/**
 * Of long transcriptions, those whose pairs of adjacent words (lower case) have a Dice coefficient below this with the
 * transcription most like the others are set aside, not aligned: transcriptions of one page share most of their word
 * pairs (one with a fifth of its words wrong still shares about three fifths), texts of other pages or random letters
 * almost none, and aligning them costs the most (their band grows with the difference in length). Short texts are
 * always aligned, so the real-data evaluations (single sentences) are untouched by it.
 */
const SIMILAR_AT_LEAST = 0.2;

/** Long texts are aligned within a band around the diagonal; short ones exactly. */
function bandFor(tokenised: readonly (readonly string[])[]): number {
  return Math.max(...tokenised.map((t) => t.length)) > LONG_TEXT_WORDS ? 40 : Infinity;
}

/** Each text's set of pairs of adjacent words, in lower case: linear in its length. */
function wordPairs(tokenised: readonly (readonly string[])[]): Set<string>[] {
  return tokenised.map((text) => {
    const pairs = new Set<string>();
    for (let i = 1; i < text.length; i++) pairs.add(`${text[i - 1]!.toLowerCase()} ${text[i]!.toLowerCase()}`);
    return pairs;
  });
}

/** Dice coefficient of two sets (1 for two empty ones). */
function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size && !b.size) return 1;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const pair of small) if (large.has(pair)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/**
 * The transcription most like the others by shared word pairs (the most others at `SIMILAR_AT_LEAST` or more, then the
 * greatest sum of similarities, then the first), and which transcriptions are like it: linear in the texts' length for
 * each pair of transcriptions, with no alignment.
 */
function mostAlike(tokenised: readonly (readonly string[])[]): { centre: number; alike: boolean[]; similarity: number[][] } {
  const pairs = wordPairs(tokenised);
  const similarity = tokenised.map(() => new Array<number>(tokenised.length).fill(1));
  for (let a = 0; a < tokenised.length; a++) for (let b = a + 1; b < tokenised.length; b++) similarity[a]![b] = similarity[b]![a] = dice(pairs[a]!, pairs[b]!);
  const alikeCount = similarity.map((row) => row.filter((value) => value >= SIMILAR_AT_LEAST).length);
  const total = similarity.map((row) => row.reduce((x, y) => x + y, 0));
  let centre = 0;
  for (let i = 1; i < tokenised.length; i++) {
    if (alikeCount[i]! > alikeCount[centre]! || (alikeCount[i] === alikeCount[centre] && total[i]! > total[centre]!)) centre = i;
  }
  return { centre, alike: similarity[centre]!.map((value) => value >= SIMILAR_AT_LEAST), similarity };
}

/**
 * Centre-star order: the transcription closest to all others first, then the others by distance to it. Of long texts,
 * closest by the word pairs they share (`mostAlike`), linear in their length: their edit distances, all pairs of them,
 * cost more than aligning them. Short texts' distances (at most 201 × 201 cells a pair) are not counted in the budget.
 */
function centreStarOrder(tokenised: readonly string[][]): number[] {
  const band = bandFor(tokenised);
  if (band !== Infinity) {
    const { centre, similarity } = mostAlike(tokenised);
    const rest = tokenised.map((_, i) => i).filter((i) => i !== centre);
    rest.sort((a, b) => similarity[centre]![b]! - similarity[centre]![a]! || a - b);
    return [centre, ...rest];
  }
  const distances = tokenised.map(() => new Array<number>(tokenised.length).fill(0));
  for (let a = 0; a < tokenised.length; a++) {
    for (let b = a + 1; b < tokenised.length; b++) {
      distances[a]![b] = distances[b]![a] = levenshtein(tokenised[a]!, tokenised[b]!);
    }
  }
  const totals = distances.map((row) => row.reduce((x, y) => x + y, 0));
  const centre = totals.indexOf(Math.min(...totals));
  const rest = tokenised.map((_, i) => i).filter((i) => i !== centre);
  rest.sort((a, b) => distances[centre]![a]! - distances[centre]![b]! || a - b);
  return [centre, ...rest];
}

/**
 * Of readings given as often, the one that keeps more letters beyond ASCII (ſ, æ, þ, accents) first, then the smallest
 * string: volunteers modernise what they read by habit (`sea` for `ſea`, `Aeneas` for `Æneas`), while nobody types a
 * long s the page does not have, so on a tie the less modernised reading is the page's. Then code-point order.
 */
function tieOrder(a: string, b: string): number {
  return lettersBeyondAscii(b) - lettersBeyondAscii(a) || byCodePoints(a, b);
}

/** Letters only: a zero-width space or a variation selector is no reading of the page. */
function lettersBeyondAscii(word: string): number {
  let count = 0;
  for (const character of word) if (character.codePointAt(0)! > 0x7f && /\p{L}/u.test(character)) count += 1;
  return count;
}

/** Two readings of a slot nearer than this (`wordDistance`, a share of the longer's letters) are of one word of the page. */
const NEAR_READING_BELOW = 0.5;

/**
 * Whether another reading of the slot is near `word`. The readings of one word of the page are near each other
 * ("Thomas", "Tomas", "Thonas"); a word that a transcription wrote on another line, aligned here because it skipped a
 * line or ran two together, is near none of them.
 */
function hasNearReading(word: string, slot: Slot): boolean {
  for (const [other] of slot) if (other && other !== word && wordDistance(word, other) < NEAR_READING_BELOW) return true;
  return false;
}

function consensusSlot(slot: Slot, n: number): { word: string; count: number; variants: Record<string, number> } {
  let best = '';
  let bestCount = -1;
  let bestNear = false;
  // Most transcriptions, then a word over a gap, then of words given as often one with a near reading in the slot (a tie
  // is settled among the readings of this place, never by a word from elsewhere), then `tieOrder`: the result depends
  // on neither Map order nor the order of the transcriptions.
  for (const [word, count] of [...slot].sort(([a], [b]) => tieOrder(a, b))) {
    if (count < bestCount || (count === bestCount && word === '')) continue;
    const near = word !== '' && hasNearReading(word, slot);
    if (count > bestCount || best === '' || (near && !bestNear)) [best, bestCount, bestNear] = [word, count, near];
  }
  const listed = [...slot].reduce((sum, [, count]) => sum + count, 0);
  const variants = Object.fromEntries([...slot].filter(([word]) => word !== best));
  if (listed < n) variants[''] = (variants[''] ?? 0) + n - listed;
  return { word: best, count: bestCount, variants };
}

/**
 * A consensus word as it is worked out: `word` as it is compared (`comparableText`), by which slots are aligned and
 * voted, tags and line breaks placed; `written`, the spelling of it that the consensus writes, where it differs.
 */
type VotedWord = ConsensusWord & { written?: string };

/** A slot most transcriptions fill with a word (the others are kept in `lines` for their variants). */
const isWord = (slot: ConsensusWord) => slot.word !== '';

/**
 * The spelling of `word` most of the transcriptions that have it in a slot typed (of those most typed, the first in
 * `tieOrder`'s sense that keeps more letters beyond ASCII, then the first transcription's, in `transcriptionConsensus`'s order):
 * `places[h]` is the index of the word of the `order[h]`th of `lines` in the slot (-1 for none), `typed` their words as
 * typed.
 */
function typedSpelling(word: string, places: Int32Array, order: readonly number[], lines: readonly (readonly string[])[], typed: readonly (readonly string[])[]): string {
  const spellings = new Map<number, string>();
  places.forEach((at, h) => {
    if (at >= 0 && lines[order[h]!]![at] === word) spellings.set(order[h]!, typed[order[h]!]![at]!);
  });
  const counts = new Map<string, number>();
  // In the order of the transcriptions, so that of spellings typed as often, the first transcription's is written.
  for (const transcription of [...spellings.keys()].sort((a, b) => a - b)) {
    const spelling = spellings.get(transcription)!;
    counts.set(spelling, (counts.get(spelling) ?? 0) + 1);
  }
  let [best, bestCount] = [word, 0];
  for (const [spelling, count] of counts) {
    if (count > bestCount || (count === bestCount && lettersBeyondAscii(spelling) > lettersBeyondAscii(best))) [best, bestCount] = [spelling, count];
  }
  return best;
}

/**
 * Aligns `lines` (one from each transcription aligned, its words as compared); `n` counts those set aside too, as no
 * word in any slot. With `typed` (their words as typed, where some differ), each word gets its `typedSpelling`.
 */
function alignLines(lines: readonly string[][], n: number, budget: WorkBudget, lineEnds?: readonly LineEnds[], typed?: readonly string[][]): { words: VotedWord[]; agreements: number[] } {
  const order = centreStarOrder(lines);
  const { slots, places } = placedNetwork(order.map((i) => lines[i]!), nearMatchCost, bandFor(lines), lineEnds && order.map((i) => lineEnds[i]!), budget, typed !== undefined);
  const result: VotedWord[] = [];
  const agreements: number[] = [];
  slots.forEach((slot, index) => {
    const { word, count, variants } = consensusSlot(slot, n);
    agreements.push(count / n);
    const written = places && word ? typedSpelling(word, places[index]!, order, lines, typed!) : word;
    result.push({ word, agreement: count / n, variants, ...(written !== word ? { written } : {}) });
  });
  return { words: result, agreements };
}

/** A transcription's words as typed (`typed`, all its lines') cut as its `lines` of words are. */
function cutAsLines(typed: readonly string[], lines: readonly (readonly string[])[]): string[][] {
  let start = 0;
  return lines.map((line) => {
    start += line.length;
    return typed.slice(start - line.length, start);
  });
}

/** Lines of another transcription a line is compared with on either side of its own index (`linesShifted`). */
const LINE_SHIFT_LOOKED_FOR = 3;

/**
 * How much more (Dice) a single line must share with another line of a transcription than with the line of its index
 * to count as shifted on its own: common words ("the", "John") shared by chance with a line near it never do.
 */
const LINE_SHIFT_MARGIN = 0.6;

/**
 * Whether the lines of transcriptions with as many lines are not matched by their index, as when a volunteer skipped a
 * line and added one at the end, or split one line and joined two others: aligned line by line, its words would vote
 * on the lines they were not written on. Every transcription's lines are compared with every other's, both ways (`shiftedFrom`), so
 * the answer is the same in any order of the transcriptions. Linear in the texts' length for each pair.
 */
function linesShifted(lineWords: readonly (readonly string[][])[]): boolean {
  const sets = lineWords.map((lines) => lines.map((line) => new Set(line.map((word) => word.toLowerCase()))));
  for (let a = 0; a < sets.length; a++) {
    for (let b = a + 1; b < sets.length; b++) {
      const near = nearLineDice(sets[a]!, sets[b]!);
      // Dice is symmetric: line j of b and line j + offset of a are line j + offset of a and line j of b.
      if (shiftedFrom(near.length, (index, offset) => near[index]![offset + LINE_SHIFT_LOOKED_FOR]!)) return true;
      if (shiftedFrom(near.length, (index, offset) => near[index + offset]![LINE_SHIFT_LOOKED_FOR - offset]!)) return true;
    }
  }
  return false;
}

/** Dice of each line of `lines` with each line of `others` within `LINE_SHIFT_LOOKED_FOR` of its index (-1 past the ends). */
function nearLineDice(lines: readonly ReadonlySet<string>[], others: readonly ReadonlySet<string>[]): number[][] {
  return lines.map((line, index) =>
    Array.from({ length: 2 * LINE_SHIFT_LOOKED_FOR + 1 }, (_, k) => {
      const other = others[index + k - LINE_SHIFT_LOOKED_FOR];
      return other ? dice(line, other) : -1;
    }),
  );
}

/**
 * Whether lines are shifted, `like(index, offset)` being how much a line shares (Dice) with the line `offset` places
 * from its index in another transcription: one shares more with a line near its index than with the line of its index
 * by `LINE_SHIFT_MARGIN` or more, or two lines are each most like the line the same number of places away by half that
 * (one line skipped, or two run together, moves several).
 */
function shiftedFrom(count: number, like: (index: number, offset: number) => number): boolean {
  const offsets = new Set<number>();
  for (let index = 0; index < count; index++) {
    const own = like(index, 0);
    let [best, bestOffset] = [own, 0];
    for (let offset = -LINE_SHIFT_LOOKED_FOR; offset <= LINE_SHIFT_LOOKED_FOR; offset++) {
      const outside = index + offset < 0 || index + offset >= count;
      if (!outside && like(index, offset) > best) [best, bestOffset] = [like(index, offset), offset];
    }
    const gain = best - own;
    if (gain >= LINE_SHIFT_MARGIN) return true;
    if (gain < LINE_SHIFT_MARGIN / 2) continue;
    if (offsets.has(bestOffset)) return true;
    offsets.add(bestOffset);
  }
  return false;
}

/** The consensus of transcriptions with the same number of lines: each line aligned with the same line of the others. */
function alignLineByLine(transcriptions: readonly string[][], n: number, budget: WorkBudget, typed?: readonly string[][]): { lines: VotedWord[][]; breaks: LineBreakSlot[]; agreements: number[] } {
  const lineWords = transcriptions.map((lines) => lines.map(words));
  const typedLines = typed && lineWords.map((lines, t) => cutAsLines(typed[t]!, lines));
  const aligned = transcriptions[0]!.map((_, line) =>
    alignLines(
      lineWords.map((lines) => lines[line]!),
      n,
      budget,
      undefined,
      typedLines?.map((lines) => lines[line]!),
    ),
  );
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
function alignedTo(consensus: readonly string[], lines: readonly (readonly string[])[], budget?: WorkBudget): number[] {
  const words = lines.flat();
  const ends = lineEndsOf(lines);
  const [n, m] = [words.length, consensus.length];
  const band = (Math.max(n, m) > 200 ? 40 : Infinity) + Math.abs(n - m);
  const width = Math.min(m + 1, 2 * band + 1);
  if ((n + 1) * width > MOST_ALIGNMENT_CELLS) return words.map((_, i) => Math.floor((i * m) / n));
  budget?.spend((n + 1) * width);
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
      // As in `align`: a substitution from a cell dearer than either skip here cannot win, and its distance is not asked for.
      if (j > 0 && inAbove(j - 1) && previous[j - 1 - above]! <= Math.min(best, j > 0 && k > 0 ? current[k - 1]! + 1 : Infinity)) {
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
function breakSpans(consensus: readonly string[], lines: readonly string[][], budget: WorkBudget): { first: number; last: number; broken: boolean }[] {
  const aligned = alignedTo(consensus, lines, budget);
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
function lineBreakVotes(consensus: readonly string[], transcriptions: readonly string[][], budget: WorkBudget): Map<number, number> {
  const spans = transcriptions.map((lines) => breakSpans(consensus, lines.map(words), budget));
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
function alignWholeTexts(transcriptions: readonly string[][], n: number, budget: WorkBudget, typed?: readonly string[][]): { lines: VotedWord[][]; breaks: LineBreakSlot[]; agreements: number[] } {
  const lineWords = transcriptions.map((lines) => lines.map(words));
  const { words: slots, agreements } = alignLines(
    lineWords.map((lines) => lines.flat()),
    n,
    budget,
    lineWords.map(lineEndsOf),
    typed,
  );
  const consensus = slots.filter(isWord).map((slot) => slot.word);
  const votes = lineBreakVotes(consensus, transcriptions, budget);
  const lines: VotedWord[][] = [[]];
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
function voteTags(consensus: ConsensusWord[], untagged: readonly UntaggedText[], budget: WorkBudget): void {
  if (!untagged.some((text) => text.tags.some((tags) => tags.length))) return;
  const plain = consensus.map((slot) => slot.word);
  const writers = new Array<number>(consensus.length).fill(0);
  const tagged = consensus.map(() => new Map<string, number>());
  for (const text of untagged) {
    alignedTo(plain, text.lines.map(words), budget).forEach((index, word) => {
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
 * The cheap consensus of transcriptions whose alignment would pass its work budget: the text of the one most like the
 * others (`centre`, by shared word pairs) with its own tags, each word's agreement the share of all `n` transcriptions
 * that have the word anywhere (a bag of words, not a slot: an upper bound of what an alignment would find). Linear.
 */
function unaligned(untagged: readonly UntaggedText[], centre: number, n: number): { lines: VotedWord[][]; agreements: number[] } {
  const texts = untagged.map((text) => new Set(text.lines.flatMap(words)));
  let index = 0;
  const lines = untagged[centre]!.lines.map((line) =>
    words(line).map((word): VotedWord => {
      const count = texts.filter((text) => text.has(word)).length;
      const written = untagged[centre]!.typed[index]!;
      const tags = untagged[centre]!.tags[index++]!;
      return { word, written, agreement: count / n, variants: count < n ? { '': n - count } : {}, ...(tags.length ? { tags } : {}) };
    }),
  );
  return { lines, agreements: lines.flat().map((slot) => slot.agreement) };
}

/**
 * Consensus of several transcriptions of one subject: words aligned ROVER-style with near matches allowed, the
 * most common reading kept per slot. Lines are aligned one by one when every transcription has the same number
 * of lines and no line of one is clearly more like another line of another than the line of its index (`linesShifted`,
 * every pair of transcriptions compared both ways, so their order does not matter); otherwise the whole texts
 * are aligned as one, and cut where most transcriptions break their lines.
 * Text tags are voted on per word, apart from the words (`voteTags`). Words are aligned and voted on as
 * `comparableText` compares them (a word with a direction mark, a zero-width space or a tatweel, or in Arabic
 * presentation forms, is the word), and written as most of the transcriptions with the winning word in the slot typed
 * it (of spellings typed as often, the one of the longest transcription, then the first in UTF-16 order): in Unicode NFC, without direction marks and
 * in letters (`writtenText`), but with the zero-width spaces, variation selectors and the like that were typed. The
 * `variants` of a slot are the other words as compared. The same answers give the same consensus in any order.
 *
 * Its work is bounded whatever volunteers send: long transcriptions that share too few word pairs with the one most
 * like the others are set aside before aligning (`setAside`), and an alignment that would pass the work budget
 * (`options.budget`) is not done, the consensus then being the transcription most like the others (`overBudget`,
 * `lowConsensus`). It never throws for what volunteers typed.
 */
export function transcriptionConsensus(answers: readonly string[], options: TranscriptionOptions = {}): TranscriptionConsensus {
  // In one order whatever order they came in, so that every tie settled below by which comes first (the centre of the
  // star, the order the others are aligned in, a spelling typed as often) is settled by the texts themselves: the
  // longest first (volunteers leave words out more often than they add them), then in UTF-16 order.
  const texts = [...answers].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  const { lowConsensusBelow = LOW_CONSENSUS_BELOW, minTranscriptions = 2, textTags = [], budget = new WorkBudget(texts.length) } = options;
  const n = texts.length;
  if (n === 0) return { text: '', lines: [], breaks: [], score: 0, lowConsensus: true, transcriptions: 0, setAside: 0, overBudget: false };
  // A letter typed as one character or as a letter and its combining accent (as some keyboards send it) is one letter, and
  // a word with a direction mark or a tatweel, or in Arabic presentation forms, is the word (`comparableText`).
  const untagged = texts.map((text) => untag(writtenText(text).normalize('NFC'), textTags, (word) => comparableText(word).normalize('NFC')));
  const tokenised = untagged.map((text) => text.lines.flatMap(words));
  // Their words as typed, where some are not typed as they are compared (the spelling of a slot is then looked for).
  const spelled = untagged.some((text, i) => text.typed.some((word, k) => word !== tokenised[i]![k]));
  // Short texts are always aligned whole (cheap, and exact); of long ones, only those like the one most like the others.
  const { centre, alike } = bandFor(tokenised) === Infinity ? { centre: 0, alike: texts.map(() => true) } : mostAlike(tokenised);
  const aligned = untagged.filter((_, i) => alike[i]);
  const split = aligned.map((text) => text.lines);
  const typed = spelled ? aligned.map((text) => text.typed) : undefined;
  // Line by line only where every line of each is the line of its index in the others; else as texts of other lines.
  const sameShape = split.every((lines) => lines.length === split[0]!.length) && !linesShifted(split.map((lines) => lines.map(words)));
  let result: { lines: VotedWord[][]; breaks: LineBreakSlot[]; agreements: number[] };
  let overBudget = budget.exhausted;
  if (!overBudget) {
    try {
      result = sameShape ? alignLineByLine(split, n, budget, typed) : alignWholeTexts(split, n, budget, typed);
      voteTags(result.lines.flat().filter(isWord), aligned, budget);
    } catch (error) {
      if (!(error instanceof OverBudget)) throw error;
      overBudget = true;
    }
  }
  if (overBudget) result = { ...unaligned(untagged, bandFor(tokenised) === Infinity ? mostAlike(tokenised).centre : centre, n), breaks: [] };
  const { lines: allLines, breaks, agreements } = result!;
  const score = agreements.length ? agreements.reduce((a, b) => a + b, 0) / agreements.length : 1;
  const lines = allLines.filter((line) => line.some(isWord)).map((line) => line.map(({ written, ...slot }): ConsensusWord => (written === undefined ? slot : { ...slot, word: written })));
  return {
    text: lines.map((line) => retag(line.filter(isWord))).join('\n'),
    lines,
    breaks,
    score,
    // A reading of a word that no more than half share is worth a look, however well the rest of the text agrees.
    lowConsensus: overBudget || n < minTranscriptions || score < lowConsensusBelow || lines.some((line) => line.some(wordNeedsChecking)),
    transcriptions: n,
    setAside: alike.filter((kept) => !kept).length,
    overBudget,
  };
}
