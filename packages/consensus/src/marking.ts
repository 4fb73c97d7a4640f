import { type Mark, type MarkingTask, type MarkingTool, type RectangleMark, SAME_RECTANGLE_OVERLAP, distanceBetween, overlapOf, sameThing, toleranceOf } from '@chorus/tasks';
import { NO_MAJORITY_AT_MOST } from './vote';

/** One thing the volunteers marked with one tool: their marks of it, one at most from each. */
export interface MarkCluster {
  tool: string;
  /** Where it is: the median of its marks' coordinates (and sizes), rounded to 0.1 px. */
  mark: Mark;
  /** The volunteers who marked it. */
  votes: number;
  /** Those volunteers over all who answered the task. */
  share: number;
  /** More than half of those who answered the task marked it: it is in the consensus answer. */
  kept: boolean;
}

export interface MarkingConsensus {
  /** The kept things' marks, by tool (in the task's order), then y, then x. */
  answer: Mark[];
  /** The least, over every thing marked, of max(share, 1 − share): 1 when nothing was marked, null without answers. */
  agreement: number | null;
  /** Every thing marked, kept or not, in the answer's order. */
  clusters: MarkCluster[];
  /** The kept marks of each tool, by its key (the consensus download's `<task>.<tool>` columns). */
  counts: Record<string, number>;
  /** A thing exactly half the volunteers marked (no majority either way, as 1 of 2): worth a researcher's check. */
  lowConsensus: boolean;
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const tenth = (value: number) => Math.round(value * 10) / 10;

/** A mark at the median of `marks` (all of `tool`), rounded to 0.1 px. */
function medianMark(tool: MarkingTool, marks: readonly Mark[]): Mark {
  const at = (name: 'x' | 'y' | 'width' | 'height') => tenth(median(marks.map((mark) => (mark as RectangleMark)[name])));
  return tool.shape === 'rectangle' ? { tool: tool.key, x: at('x'), y: at('y'), width: at('width'), height: at('height') } : { tool: tool.key, x: at('x'), y: at('y') };
}

/** How far a mark is from a thing: pixels for points, 1 − overlap for rectangles (the nearer joins first). */
const gapBetween = (tool: MarkingTool, a: Mark, b: Mark) => (tool.shape === 'rectangle' ? 1 - overlapOf(a as RectangleMark, b as RectangleMark) : distanceBetween(a, b));

interface Gathering {
  marks: Mark[];
  at: Mark;
}

/**
 * The things the volunteers marked with `tool`, each volunteer's marks (`marksBy`, one list per volunteer) taken in
 * turn: each mark joins the nearest thing gathered so far that is the same thing as its median (`sameThing`: within the
 * tool's tolerance, or overlapping by half) and that none of the volunteer's other marks joined, nearest pairs first;
 * a mark that joins none starts a thing of its own. So one volunteer's two close marks are two things.
 */
function gather(tool: MarkingTool, marksBy: readonly (readonly Mark[])[]): Mark[][] {
  const things: Gathering[] = [];
  const cell = cellSizeFor(tool, marksBy);
  for (const marks of marksBy) {
    const near = nearby(things, cell);
    const pairs = marks.flatMap((mark, m) => near(mark).flatMap((t) => (sameThing(tool, things[t]!.at, mark) ? [{ m, t, gap: gapBetween(tool, things[t]!.at, mark) }] : [])));
    pairs.sort((a, b) => a.gap - b.gap || a.m - b.m || a.t - b.t);
    const [markJoined, thingJoined] = [new Set<number>(), new Set<number>()];
    for (const { m, t } of pairs) {
      if (markJoined.has(m) || thingJoined.has(t)) continue;
      markJoined.add(m);
      thingJoined.add(t);
      things[t]!.marks.push(marks[m]!);
    }
    for (const t of thingJoined) things[t]!.at = medianMark(tool, things[t]!.marks);
    for (const [m, mark] of marks.entries()) if (!markJoined.has(m)) things.push({ marks: [mark], at: mark });
  }
  return things.map((thing) => thing.marks);
}

/**
 * A grid's cell size within which any two marks that are the same thing are at most one cell apart (x and y): a
 * point tool's tolerance; for rectangles the longest side of any, as two that overlap by half have corners no further
 * apart than half the wider's width (and height).
 */
function cellSizeFor(tool: MarkingTool, marksBy: readonly (readonly Mark[])[]): number {
  if (tool.shape === 'point') return toleranceOf(tool);
  return Math.max(1, ...marksBy.flat().map((mark) => Math.max((mark as RectangleMark).width, (mark as RectangleMark).height)));
}

/** The things whose position is in the 3 × 3 cells around a mark's, as a grid built once per volunteer (so that many marks are not each compared with every thing). */
function nearby(things: readonly Gathering[], cell: number): (mark: Mark) => number[] {
  const key = (column: number, row: number) => `${column},${row}`;
  const grid = new Map<string, number[]>();
  things.forEach((thing, t) => {
    const at = key(Math.floor(thing.at.x / cell), Math.floor(thing.at.y / cell));
    grid.set(at, [...(grid.get(at) ?? []), t]);
  });
  return (mark) => {
    const [column, row] = [Math.floor(mark.x / cell), Math.floor(mark.y / cell)];
    return [-1, 0, 1].flatMap((dx) => [-1, 0, 1].flatMap((dy) => grid.get(key(column + dx, row + dy)) ?? []));
  };
}

const inAnswerOrder = (tools: readonly MarkingTool[]) => {
  const order = new Map(tools.map((tool, index) => [tool.key, index]));
  return (a: Mark, b: Mark) => order.get(a.tool)! - order.get(b.tool)! || a.y - b.y || a.x - b.x;
};

/**
 * Per tool, the volunteers' marks gathered into things (`gather`); a thing is kept when more than half of the volunteers
 * who answered (`values`, one answer each, empty ones included) marked it, at the median of their marks.
 */
export function reduceMarking(task: MarkingTask, values: readonly (readonly Mark[])[]): MarkingConsensus {
  const answered = values.length;
  const order = inAnswerOrder(task.tools);
  const clusters = task.tools
    .flatMap((tool) =>
      gather(tool, values.map((marks) => marks.filter((mark) => mark.tool === tool.key))).map((marks): MarkCluster => {
        const share = marks.length / answered;
        return { tool: tool.key, mark: medianMark(tool, marks), votes: marks.length, share, kept: share > 0.5 };
      }),
    )
    .sort((a, b) => order(a.mark, b.mark));
  const agreements = clusters.map((cluster) => Math.max(cluster.share, 1 - cluster.share));
  const agreement = !answered ? null : agreements.length ? Math.min(...agreements) : 1;
  const answer = clusters.filter((cluster) => cluster.kept).map((cluster) => cluster.mark);
  return {
    answer,
    agreement,
    clusters,
    counts: Object.fromEntries(task.tools.map((tool) => [tool.key, answer.filter((mark) => mark.tool === tool.key).length])),
    lowConsensus: agreement !== null && agreement <= NO_MAJORITY_AT_MOST,
  };
}

/** What the gathering of `task`'s marks was set with, for the stored consensus's parameters. */
export const markingParameters = (task: MarkingTask) => ({
  tolerance: Object.fromEntries(task.tools.filter((tool) => tool.shape === 'point').map((tool) => [tool.key, toleranceOf(tool)])),
  overlap: SAME_RECTANGLE_OVERLAP,
  keptAbove: 0.5,
});
