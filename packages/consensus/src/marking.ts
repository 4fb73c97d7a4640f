import { type Mark, type MarkingTask, type MarkingTool, type RectangleMark, SAME_RECTANGLE_OVERLAP, gapBetween, inAnswerOrder, roundedMark, sameThing, toleranceOf } from '@chorus/tasks';
import { OverBudget, WorkBudget } from './transcription';

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
  /**
   * Worth a researcher's check: a thing marked by a third to two thirds of the volunteers (`thingNeedsChecking`: a
   * thing one of three saw, dropped, or two of three, kept), or the gathering passed its work budget (`overBudget`).
   */
  lowConsensus: boolean;
  /** The full gathering would have passed the subject's work budget: things are the cheap `gatherByCell`'s. */
  overBudget: boolean;
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
/**
 * The work one subject's marking consensus may do per answer (pairs of marks compared) when no budget is given; the
 * worker's budget (`WorkBudget`, shared with transcriptions) is `TRANSCRIPTION_WORK_CELLS_EACH` per answer.
 */
export const MARKING_WORK_EACH = 600_000;
/** The work counted for each pair of marks compared: about as long as this many cells of a transcription's alignment. */
export const MARK_PAIR_WORK = 8;

/** A mark at the median of `marks` (all of `tool`), rounded to 0.1 px. */
function medianMark(tool: MarkingTool, marks: readonly Mark[]): Mark {
  const at = (name: 'x' | 'y' | 'width' | 'height') => median(marks.map((mark) => (mark as RectangleMark)[name]));
  return roundedMark(tool.shape === 'rectangle' ? { tool: tool.key, x: at('x'), y: at('y'), width: at('width'), height: at('height') } : { tool: tool.key, x: at('x'), y: at('y') });
}


const sizeOf = (mark: Mark, side: 'width' | 'height') => (mark as Partial<RectangleMark>)[side] ?? 0;
/** A total order of marks by where they are (x, y, then width, height): what makes the gathering order-independent. */
const byPlace = (a: Mark, b: Mark) => a.x - b.x || a.y - b.y || sizeOf(a, 'width') - sizeOf(b, 'width') || sizeOf(a, 'height') - sizeOf(b, 'height');
function byMarks(a: readonly Mark[], b: readonly Mark[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const order = byPlace(a[i]!, b[i]!);
    if (order) return order;
  }
  return a.length - b.length;
}

/** One volunteer's mark, the volunteer numbered by their answer's place among the answers sorted by their marks. */
interface Placed {
  mark: Mark;
  by: number;
}

/**
 * The marks of all volunteers in one order whatever order the answers came in: each answer's marks sorted by place,
 * the answers by their sorted marks, then every mark by place (and, for two at one place, by its answer's rank, which
 * two equal answers share harmlessly).
 */
function placedMarks(marksBy: readonly (readonly Mark[])[]): Placed[] {
  const answers = marksBy.map((marks) => [...marks].sort(byPlace)).sort(byMarks);
  const placed: Placed[] = [];
  answers.forEach((marks, by) => {
    for (const mark of marks) placed.push({ mark, by });
  });
  return placed.sort((a, b) => byPlace(a.mark, b.mark) || a.by - b.by);
}

/** The most pairs each mark is a candidate in (its nearest marks of other volunteers that are the same thing). */
export const CANDIDATES_PER_MARK = 8;
/** The most marks looked at around each mark: a crowd of marks on a few pixels is not compared all with all. */
export const MARKS_LOOKED_AT = 128;

/**
 * A grid of marks for finding those near each: points in cells of the tool's tolerance; rectangles by size class
 * (their longer side's power of 2: two rectangles overlapping by half have widths and heights within 2× of each other,
 * so of neighbouring classes), each class in cells of twice its largest side, so that one huge rectangle does not make
 * every cell huge. Any two marks that are the same thing are in neighbouring cells of neighbouring classes.
 */
function gridOf(tool: MarkingTool, marks: readonly Placed[]) {
  const classOf = (mark: Mark) => (tool.shape === 'point' ? 0 : Math.floor(Math.log2(Math.max(sizeOf(mark, 'width'), sizeOf(mark, 'height')))));
  const cellOf = (sizeClass: number) => (tool.shape === 'point' ? toleranceOf(tool) : 2 ** (sizeClass + 2));
  const key = (sizeClass: number, column: number, row: number) => `${sizeClass}:${column},${row}`;
  const cells = new Map<string, number[]>();
  marks.forEach(({ mark }, index) => {
    const sizeClass = classOf(mark);
    const cell = cellOf(sizeClass);
    const at = key(sizeClass, Math.floor(mark.x / cell), Math.floor(mark.y / cell));
    const list = cells.get(at);
    if (list) list.push(index);
    else cells.set(at, [index]);
  });
  const classes = tool.shape === 'point' ? [0] : [-1, 0, 1];
  /** The marks in the cells around `mark` (at most `MARKS_LOOKED_AT`, in the marks' order), itself included. */
  return (mark: Mark): number[] => {
    const found: number[] = [];
    for (const step of classes) {
      const sizeClass = classOf(mark) + step;
      const cell = cellOf(sizeClass);
      const [column, row] = [Math.floor(mark.x / cell), Math.floor(mark.y / cell)];
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++)
          for (const index of cells.get(key(sizeClass, column + dx, row + dy)) ?? []) {
            if (found.length === MARKS_LOOKED_AT) return found;
            found.push(index);
          }
    }
    return found;
  };
}

/**
 * Each mark's nearest marks of other volunteers that are the same thing (at most `CANDIDATES_PER_MARK`), as pairs
 * (a < b, each once) nearest first, ties by the marks' order: a flat list a0, b0, a1, b1, ….
 */
function candidatePairs(tool: MarkingTool, marks: readonly Placed[], spend: (work: number) => void): Int32Array {
  const near = gridOf(tool, marks);
  const [as, bs, gaps] = [[] as number[], [] as number[], [] as number[]];
  const [others, apart] = [[] as number[], [] as number[]];
  const byGap = (i: number, j: number) => apart[i]! - apart[j]! || others[i]! - others[j]!;
  marks.forEach(({ mark, by }, index) => {
    const around = near(mark);
    spend(around.length);
    others.length = 0;
    apart.length = 0;
    for (const other of around) {
      if (marks[other]!.by === by || !sameThing(tool, mark, marks[other]!.mark)) continue;
      others.push(other);
      apart.push(gapBetween(tool, mark, marks[other]!.mark));
    }
    const nearest = others.map((_, i) => i);
    if (nearest.length > CANDIDATES_PER_MARK) nearest.sort(byGap).length = CANDIDATES_PER_MARK;
    for (const i of nearest) {
      as.push(Math.min(index, others[i]!));
      bs.push(Math.max(index, others[i]!));
      gaps.push(apart[i]!);
    }
  });
  const order = gaps.map((_, i) => i).sort((i, j) => gaps[i]! - gaps[j]! || as[i]! - as[j]! || bs[i]! - bs[j]!);
  const pairs = new Int32Array(2 * order.length);
  let length = 0;
  for (const i of order) {
    if (length && as[i] === pairs[length - 2] && bs[i] === pairs[length - 1]) continue;
    pairs[length++] = as[i]!;
    pairs[length++] = bs[i]!;
  }
  return pairs.subarray(0, length);
}

/**
 * The things the volunteers marked with `tool`, whatever order they answered in: every pair of marks of two volunteers
 * that are the same thing (`sameThing`: within the tool's tolerance, or overlapping by half), nearest first, joins
 * their two groups when no volunteer is in both and every two marks of the joined group are still the same thing
 * (complete linkage). So one volunteer's two close marks are two things, and a thing is no chain of marks drifting
 * apart. Returns each thing's marks.
 */
function gather(tool: MarkingTool, marks: readonly Placed[], spend: (work: number) => void): Mark[][] {
  const groupOf = marks.map((_, index) => index);
  const members = marks.map((_, index) => [index]);
  const volunteers = marks.map(({ by }) => new Set([by]));
  const allSame = (a: readonly number[], b: readonly number[]) => {
    spend(a.length * b.length);
    return a.every((i) => b.every((j) => sameThing(tool, marks[i]!.mark, marks[j]!.mark)));
  };
  const sharesVolunteer = (small: ReadonlySet<number>, big: ReadonlySet<number>) => {
    for (const by of small) if (big.has(by)) return true;
    return false;
  };
  const pairs = candidatePairs(tool, marks, spend);
  for (let p = 0; p < pairs.length; p += 2) {
    const [a, b] = [groupOf[pairs[p]!]!, groupOf[pairs[p + 1]!]!];
    if (a === b) continue;
    const big = members[a]!.length < members[b]!.length ? b : a;
    const small = big === a ? b : a;
    if (sharesVolunteer(volunteers[small]!, volunteers[big]!) || !allSame(members[big]!, members[small]!)) continue;
    for (const index of members[small]!) {
      groupOf[index] = big;
      members[big]!.push(index);
      volunteers[big]!.add(marks[index]!.by);
    }
    members[small] = [];
  }
  return members.filter((group) => group.length).map((group) => group.map((index) => marks[index]!.mark));
}

/**
 * The cheap gathering, when the full one would pass the subject's work budget: marks in one cell of the grid (as
 * `gridOf` has them) are one thing, each volunteer's first mark there (by place) in the first, their second in a
 * second; linear in the marks, but two marks either side of a cell's edge are two things.
 */
function gatherByCell(tool: MarkingTool, marks: readonly Placed[]): Mark[][] {
  const cellKey = (mark: Mark) => {
    if (tool.shape === 'point') return `${Math.floor(mark.x / toleranceOf(tool))},${Math.floor(mark.y / toleranceOf(tool))}`;
    const sizeClass = Math.floor(Math.log2(Math.max(sizeOf(mark, 'width'), sizeOf(mark, 'height'))));
    return `${sizeClass}:${Math.floor(mark.x / 2 ** sizeClass)},${Math.floor(mark.y / 2 ** sizeClass)}`;
  };
  const things = new Map<string, Mark[][]>();
  const seen = new Map<string, number>();
  for (const { mark, by } of marks) {
    const cell = cellKey(mark);
    const nth = seen.get(`${cell}/${by}`) ?? 0;
    seen.set(`${cell}/${by}`, nth + 1);
    const inCell = things.get(cell) ?? [];
    things.set(cell, inCell);
    if (inCell[nth]) inCell[nth].push(mark);
    else inCell[nth] = [mark];
  }
  return [...things.values()].flat();
}


/** Whether a thing marked by `votes` of `answered` volunteers is worth a check: a share from 1/3 to 2/3 (1 of 3, 2 of 3, 2 of 4, 2 or 3 of 5). */
export const thingNeedsChecking = (votes: number, answered: number) => answered <= 3 * votes && 3 * votes <= 2 * answered;

/**
 * Per tool, the volunteers' marks gathered into things (`gather`, or `gatherByCell` past the work budget); a thing is
 * kept when more than half of the volunteers who answered (`values`, one answer each, empty ones included) marked it,
 * at the median of their marks.
 */
export function reduceMarking(task: MarkingTask, values: readonly (readonly Mark[])[], options: { budget?: WorkBudget } = {}): MarkingConsensus {
  const answered = values.length;
  const order = inAnswerOrder(task.tools);
  const budget = options.budget ?? new WorkBudget(answered, MARKING_WORK_EACH * Math.max(2, answered));
  const byTool = task.tools.map((tool) => ({ tool, marks: placedMarks(values.map((marks) => marks.filter((mark) => mark.tool === tool.key))) }));
  let overBudget = budget.exhausted;
  let gathered: { tool: MarkingTool; things: Mark[][] }[] = [];
  if (!overBudget) {
    try {
      gathered = byTool.map(({ tool, marks }) => ({ tool, things: gather(tool, marks, (work) => budget.spend(work * MARK_PAIR_WORK)) }));
    } catch (error) {
      if (!(error instanceof OverBudget)) throw error;
      overBudget = true;
    }
  }
  if (overBudget) gathered = byTool.map(({ tool, marks }) => ({ tool, things: gatherByCell(tool, marks) }));
  const clusters = gathered
    .flatMap(({ tool, things }) =>
      things.map((marks): MarkCluster => {
        const share = marks.length / answered;
        return { tool: tool.key, mark: medianMark(tool, marks), votes: marks.length, share, kept: share > 0.5 };
      }),
    )
    .sort((a, b) => order(a.mark, b.mark) || b.votes - a.votes);
  let agreement = answered ? 1 : null;
  for (const cluster of clusters) agreement = Math.min(agreement ?? 1, Math.max(cluster.share, 1 - cluster.share));
  const answer = clusters.filter((cluster) => cluster.kept).map((cluster) => cluster.mark);
  return {
    answer,
    agreement,
    clusters,
    counts: Object.fromEntries(task.tools.map((tool) => [tool.key, answer.filter((mark) => mark.tool === tool.key).length])),
    lowConsensus: overBudget || clusters.some((cluster) => thingNeedsChecking(cluster.votes, answered)),
    overBudget,
  };
}

/** What the gathering of `task`'s marks was set with, for the stored consensus's parameters. */
export const markingParameters = (task: MarkingTask) => ({
  tolerance: Object.fromEntries(task.tools.filter((tool) => tool.shape === 'point').map((tool) => [tool.key, toleranceOf(tool)])),
  overlap: SAME_RECTANGLE_OVERLAP,
  keptAbove: 0.5,
});
