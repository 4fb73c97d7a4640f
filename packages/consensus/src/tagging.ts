import { endorsedTags, normaliseTag } from '@chorus/tasks';
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
  /** up / the volunteers who answered the task (those who left the tag alone count against it). */
  share: number;
  /** Wilson lower confidence bound of the share of up votes among up and down votes. */
  lowerBound: number;
  accepted: boolean;
}

export interface TaggingOptions {
  /**
   * `majority` (the default): accept when more than `minShare` of the volunteers who answered the task applied the tag,
   * and more agreed than disagreed: three of three accept it, one of three does not. `wilson`: when the lower bound
   * reaches `minLowerBound` (it takes four unanimous votes at z = 1.96); `crowdheritage`: net score ≥ 1, no down vote.
   */
  rule?: 'majority' | 'wilson' | 'crowdheritage';
  minShare?: number;
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
  const { rule = 'majority', minShare = 0.5, z = 1.96, minLowerBound = 0.5, normalise = normaliseTag } = options;
  const tally = new Map<string, { up: number; down: number }>();
  for (const vote of votes) {
    const down = new Set((vote.down ?? []).map(normalise));
    const up = endorsedTags(vote, normalise);
    for (const tag of up) (tally.get(tag) ?? tally.set(tag, { up: 0, down: 0 }).get(tag)!).up++;
    for (const tag of down) (tally.get(tag) ?? tally.set(tag, { up: 0, down: 0 }).get(tag)!).down++;
  }
  const tags = [...tally].map(([tag, { up, down }]): TagResult => {
    const share = up / votes.length;
    const lowerBound = wilsonLowerBound(up, up + down, z);
    const accepted = rule === 'crowdheritage' ? up - down >= 1 && down === 0 : rule === 'wilson' ? lowerBound >= minLowerBound : share > minShare && up > down;
    return { tag, up, down, score: up - down, share, lowerBound, accepted };
  });
  tags.sort((a, b) => b.share - a.share || b.score - a.score || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { accepted: tags.filter((t) => t.accepted).map((t) => t.tag), tags };
}
