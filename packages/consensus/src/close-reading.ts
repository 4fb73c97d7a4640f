import { pluralityVote } from './vote';

export type Span = [number, number];

export interface CloseReadingVote {
  sense: string | null;
  unsure?: boolean;
  evidence?: readonly Span[];
}

export interface CloseReadingOptions {
  /** Weight of the sense an unsure volunteer still picked; 0 keeps unsure answers out of the vote entirely. */
  unsureWeight?: number;
  /** A character (or token) is evidence when at least this share of the supporters who marked evidence marked it. */
  evidenceShare?: number;
  /** The subject's text: when given, spans are widened to whole words before they are combined. */
  text?: string;
}

export interface CloseReadingConsensus {
  sense: string | null;
  leaders: string[];
  counts: Record<string, number>;
  /** Share of all answers held by the leading sense: a volunteer who was unsure did not agree with it. */
  agreement: number | null;
  decided: number;
  unsure: number;
  /** Share of all answers that were unsure: a high value points at a hard or ambiguous subject. */
  unsureShare: number;
  evidence: { spans: Span[]; overlap: number | null; volunteers: number };
}

/** Widens a span to the word boundaries of `text`. */
function toWords(span: Span, text: string): Span {
  let [start, end] = span;
  while (start > 0 && /\S/u.test(text[start - 1]!)) start--;
  while (end < text.length && /\S/u.test(text[end]!)) end++;
  return [start, end];
}

function positions(spans: readonly Span[]): Set<number> {
  const set = new Set<number>();
  for (const [start, end] of spans) for (let i = start; i < end; i++) set.add(i);
  return set;
}

function jaccard(a: Set<number>, b: Set<number>): number {
  let both = 0;
  for (const i of a) if (b.has(i)) both++;
  const union = a.size + b.size - both;
  return union === 0 ? 1 : both / union;
}

/** Character spans marked by at least `share` of the volunteers, and their mean pairwise overlap (Jaccard). */
export function combineEvidence(evidence: readonly (readonly Span[])[], share = 0.5, text?: string): { spans: Span[]; overlap: number | null; volunteers: number } {
  const sets = evidence.filter((spans) => spans.length > 0).map((spans) => positions(text === undefined ? spans : spans.map((s) => toWords(s, text))));
  if (sets.length === 0) return { spans: [], overlap: null, volunteers: 0 };
  const needed = Math.max(1, Math.ceil(share * sets.length - 1e-9));
  const coverage = new Map<number, number>();
  for (const set of sets) for (const i of set) coverage.set(i, (coverage.get(i) ?? 0) + 1);
  const kept = [...coverage].filter(([, count]) => count >= needed).map(([i]) => i).sort((a, b) => a - b);
  const spans: Span[] = [];
  for (const i of kept) {
    const last = spans[spans.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else spans.push([i, i + 1]);
  }
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < sets.length; a++) for (let b = a + 1; b < sets.length; b++, pairs++) total += jaccard(sets[a]!, sets[b]!);
  return { spans, overlap: pairs ? total / pairs : null, volunteers: sets.length };
}

/** Vote over senses with unsure answers counted apart; evidence combined from the volunteers who chose the winner. */
export function reduceCloseReading(votes: readonly CloseReadingVote[], options: CloseReadingOptions = {}): CloseReadingConsensus {
  const { unsureWeight = 0, evidenceShare = 0.5, text } = options;
  const sure = votes.filter((v) => !v.unsure && v.sense !== null);
  const unsure = votes.length - sure.length;
  const tentative = votes.filter((v) => v.unsure && v.sense !== null && unsureWeight > 0);
  const vote = pluralityVote([...sure.map((v) => ({ answer: v.sense! })), ...tentative.map((v) => ({ answer: v.sense!, weight: unsureWeight }))]);
  const supporters = vote.answer === null ? votes : votes.filter((v) => v.sense === vote.answer);
  return {
    sense: vote.answer,
    leaders: vote.leaders,
    counts: vote.counts,
    agreement: votes.length ? Math.max(0, ...Object.values(vote.counts)) / votes.length : null,
    decided: sure.length,
    unsure,
    unsureShare: votes.length ? unsure / votes.length : 0,
    evidence: combineEvidence(supporters.map((v) => v.evidence ?? []), evidenceShare, text),
  };
}
