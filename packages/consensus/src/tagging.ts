import { normaliseTag } from '@chorus/tasks';
export interface TaggingVote {
  add?: readonly string[];
  up?: readonly string[];
  down?: readonly string[];
}

export interface TagResult {
  tag: string;
  /** Volunteers who proposed or up-voted the tag (each counted once). */
  up: number;
  down: number;
  /** up − down, the score CrowdHeritage shows. */
  score: number;
  /** Wilson lower confidence bound of the share of up votes. */
  lowerBound: number;
  accepted: boolean;
}

export interface TaggingOptions {
  /** `wilson`: accept when the lower bound reaches `minLowerBound`; `crowdheritage`: net score ≥ 1 and no down vote. */
  rule?: 'wilson' | 'crowdheritage';
  /** Normal quantile of the bound; 1.96 gives a 95% two-sided interval. */
  z?: number;
  minLowerBound?: number;
  /** Tags are compared after this (default: trimmed, lower case, inner spaces collapsed). */
  normalise?: (tag: string) => string;
}

/** Lower bound of the Wilson score interval for `positive` successes out of `total` (Wilson 1927). */
export function wilsonLowerBound(positive: number, total: number, z = 1.96): number {
  if (total <= 0) return 0;
  const p = positive / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p) + z2 / (4 * total)) / total);
  return Math.max(0, (centre - margin) / (1 + z2 / total));
}

/** Tags accepted from proposals and up/down votes; proposing a tag counts as an up vote. */
export function reduceTagging(votes: readonly TaggingVote[], options: TaggingOptions = {}): { accepted: string[]; tags: TagResult[] } {
  const { rule = 'wilson', z = 1.96, minLowerBound = 0.5, normalise = normaliseTag } = options;
  const tally = new Map<string, { up: number; down: number }>();
  for (const vote of votes) {
    const down = new Set((vote.down ?? []).map(normalise));
    const up = new Set([...(vote.add ?? []), ...(vote.up ?? [])].map(normalise).filter((tag) => !down.has(tag)));
    for (const tag of up) (tally.get(tag) ?? tally.set(tag, { up: 0, down: 0 }).get(tag)!).up++;
    for (const tag of down) (tally.get(tag) ?? tally.set(tag, { up: 0, down: 0 }).get(tag)!).down++;
  }
  const tags = [...tally].map(([tag, { up, down }]): TagResult => {
    const lowerBound = wilsonLowerBound(up, up + down, z);
    const accepted = rule === 'crowdheritage' ? up - down >= 1 && down === 0 : lowerBound >= minLowerBound;
    return { tag, up, down, score: up - down, lowerBound, accepted };
  });
  tags.sort((a, b) => b.lowerBound - a.lowerBound || b.score - a.score || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { accepted: tags.filter((t) => t.accepted).map((t) => t.tag), tags };
}
