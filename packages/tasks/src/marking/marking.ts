import { z } from 'zod';
import { baseTaskFields, fieldKeySchema, labelSchema, noRepeats, quoted, taskKeySchema } from '../common';
import type { FieldError } from '../pointer';
import type { SubjectLocation } from '../subject';

/** What a tool draws: a point on a thing (a penguin), or a rectangle around it (an advertisement, a word). */
export const MARK_SHAPES = ['point', 'rectangle'] as const;
export type MarkShape = (typeof MARK_SHAPES)[number];

/** The most marks one answer may hold, of all tools together. */
export const MOST_MARKS = 500;
/** The most tools one task may offer. */
export const MOST_TOOLS = 10;
/** Pixels of the image within which two volunteers' points are one thing, when the tool sets no `tolerance`. */
export const DEFAULT_POINT_TOLERANCE = 30;
/** The largest coordinate, width or height of a mark, in pixels: far beyond any image served. */
export const LARGEST_COORDINATE = 1_000_000;
/** The least intersection over union at which two rectangles are one thing. */
export const SAME_RECTANGLE_OVERLAP = 0.5;

export const markingToolSchema = z
  .strictObject({
    /** Names the tool in answers and in the consensus download's column `<task>.<tool>`: stable, like a task's key. */
    key: fieldKeySchema,
    label: labelSchema,
    shape: z.enum(MARK_SHAPES, { error: `must be one of ${quoted(MARK_SHAPES)}` }),
    /** The fewest marks of this tool an answer must hold (0 when left out). */
    min: z.int().min(0).max(MOST_MARKS, `must be at most ${MOST_MARKS}, the most marks an answer may hold`).optional(),
    /** The most marks of this tool an answer may hold (`MOST_MARKS` in all when left out). */
    max: z.int().min(1, 'must be at least 1; remove the tool instead').max(MOST_MARKS, `must be at most ${MOST_MARKS}, the most marks an answer may hold`).optional(),
    /** Points only: pixels of the image within which two volunteers' points are one thing (`DEFAULT_POINT_TOLERANCE` when left out). */
    tolerance: z.number().positive('must be more than 0 pixels').max(10_000, 'must be at most 10000 pixels').optional(),
  })
  .superRefine((tool, ctx) => {
    if (tool.min !== undefined && tool.max !== undefined && tool.max < tool.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `is less than min (${tool.min}); raise it or lower min` });
    if (tool.shape !== 'point' && tool.tolerance !== undefined) ctx.addIssue({ code: 'custom', path: ['tolerance'], message: `is only for a point tool (rectangles are one thing when they overlap by half: intersection over union ${SAME_RECTANGLE_OVERLAP}); remove it` });
  });
export type MarkingTool = z.infer<typeof markingToolSchema>;

export const markingTaskSchema = z.strictObject({
  type: z.literal('marking'),
  instruction: labelSchema,
  ...baseTaskFields,
  tools: z
    .array(markingToolSchema)
    .min(1, 'give at least one tool')
    .max(MOST_TOOLS, `at most ${MOST_TOOLS} tools; split the marking into several tasks`)
    .superRefine((tools, ctx) => {
      noRepeats(tools, ctx, (tool) => tool.key.toLowerCase(), (earlier) => `repeats the key of tools/${earlier} (keys differing only in case are the same, as task keys are); give each tool its own key`, 'key');
      const fewest = tools.reduce((sum, tool) => sum + (tool.min ?? 0), 0);
      // A min over MOST_MARKS is said at the tool's min already.
      if (fewest > MOST_MARKS && tools.every((tool) => (tool.min ?? 0) <= MOST_MARKS)) ctx.addIssue({ code: 'custom', message: `ask for at least ${fewest} marks in all (their min), more than the ${MOST_MARKS} an answer may hold; lower their min` });
    }),
  next: taskKeySchema.optional(),
});
export type MarkingTask = z.infer<typeof markingTaskSchema>;

/** A point, at pixels of the image as served at its natural size. */
export interface PointMark {
  tool: string;
  x: number;
  y: number;
}
/** A rectangle: its top-left corner (x, y), its width and height, in pixels of the image. */
export interface RectangleMark extends PointMark {
  width: number;
  height: number;
}
export type Mark = PointMark | RectangleMark;
/** A marking answer: the marks in the order drawn (possibly none). */
export type MarkingAnnotation = Mark[];

const coordinate = z.number().min(0, 'must be at least 0: pixels are counted from the image\'s top-left corner').max(LARGEST_COORDINATE, `must be at most ${LARGEST_COORDINATE} pixels`);
const extent = z.number().positive('must be more than 0 pixels').max(LARGEST_COORDINATE, `must be at most ${LARGEST_COORDINATE} pixels`);

const markSchemaOf = (tool: MarkingTool) =>
  tool.shape === 'point'
    ? z.strictObject({ tool: z.literal(tool.key), x: coordinate, y: coordinate })
    : z.strictObject({ tool: z.literal(tool.key), x: coordinate, y: coordinate, width: extent, height: extent });

/** The marks of `tool` an answer holds (its count: `.length`). */
export const marksOf = (marks: readonly Mark[], tool: Pick<MarkingTool, 'key'>) => marks.filter((mark) => mark.tool === tool.key);

/** Why an answer's marks of `tool` are too few or too many for it, as the volunteer can fix it; undefined when they fit. */
export function markCountProblem(tool: MarkingTool, count: number): string | undefined {
  if (count < (tool.min ?? 0)) return `holds ${count} ${tool.label} (tool "${tool.key}") marks; mark at least ${tool.min}`;
  if (tool.max !== undefined && count > tool.max) return `holds ${count} ${tool.label} (tool "${tool.key}") marks; mark at most ${tool.max}`;
  return undefined;
}

/** Why a mark's tool is none of the task's: the keys it could be, or, for a key in another case, the one meant. */
function unknownToolProblem(task: MarkingTask, mark: unknown): string {
  const key = (mark as { tool?: unknown } | null)?.tool;
  const meant = typeof key === 'string' ? task.tools.find((tool) => tool.key.toLowerCase() === key.toLowerCase()) : undefined;
  if (meant) return `is "${key as string}", but tool keys are case-sensitive: did you mean "${meant.key}"?`;
  return `must be a mark of one of the task's tools, ${quoted(task.tools.map((tool) => tool.key))}`;
}

/**
 * The volunteer submits the marks in the order drawn: each of a tool of the task, with its shape's fields (a point's
 * x, y; a rectangle's x, y, width, height) and no others; each tool's marks within its min and max.
 */
export function markingAnnotationSchema(task: MarkingTask) {
  const [first, ...others] = task.tools.map(markSchemaOf);
  const mark = z.discriminatedUnion('tool', [first!, ...others], { error: (issue) => (issue.code === 'invalid_union' ? unknownToolProblem(task, issue.input) : undefined) });
  return z
    .array(mark, { error: 'must be a list of marks: [{ "tool": "<key>", "x": 10, "y": 20 }, …], [] for none' })
    .max(MOST_MARKS, `holds more than ${MOST_MARKS} marks; an answer may hold at most ${MOST_MARKS}`)
    .superRefine((marks, ctx) => {
      for (const tool of task.tools) {
        const problem = markCountProblem(tool, marksOf(marks, tool).length);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    }) as unknown as z.ZodType<MarkingAnnotation>;
}

/** Whether a mark is a rectangle (it has a size), not a point. */
export const isRectangle = (mark: Mark): mark is RectangleMark => 'width' in mark;

/** The distance between two points, in pixels. */
export const distanceBetween = (a: PointMark, b: PointMark) => Math.hypot(a.x - b.x, a.y - b.y);

/** How much two rectangles overlap: the area they share over the area they cover (1 the same, 0 apart). */
export function overlapOf(a: RectangleMark, b: RectangleMark): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const shared = width * height;
  return shared / (a.width * a.height + b.width * b.height - shared);
}

/** The tolerance of a point tool, in pixels. */
export const toleranceOf = (tool: Pick<MarkingTool, 'tolerance'>) => tool.tolerance ?? DEFAULT_POINT_TOLERANCE;

/** Whether two marks of `tool` are one thing: points within its tolerance, rectangles overlapping by half (`SAME_RECTANGLE_OVERLAP`). */
export function sameThing(tool: MarkingTool, a: Mark, b: Mark): boolean {
  if (tool.shape === 'rectangle') return isRectangle(a) && isRectangle(b) && overlapOf(a, b) >= SAME_RECTANGLE_OVERLAP;
  return distanceBetween(a, b) <= toleranceOf(tool);
}

const isFiniteCoordinate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Whether a stored mark reads as one of `tool`'s shape (the fields consensus reads, whatever else it holds). */
function readsAsShape(shape: MarkShape, mark: unknown): mark is Mark {
  if (mark === null || typeof mark !== 'object') return false;
  const { x, y, width, height } = mark as Record<string, unknown>;
  if (!isFiniteCoordinate(x) || !isFiniteCoordinate(y)) return false;
  return shape === 'point' || (isFiniteCoordinate(width) && isFiniteCoordinate(height) && width > 0 && height > 0);
}

/**
 * An answer given under an earlier version, as this one reads it: its marks of tools this version still has, of the
 * same shape in `givenTo` (the task it was given to) and now, whatever the limits for new answers (min, max). The
 * answer still counts, with the marks left (none, when all its tools are gone): the volunteer saw the image and
 * marked nothing else.
 */
export function markingEarlierAnswer(task: MarkingTask, value: unknown, givenTo: MarkingTask): MarkingAnnotation | undefined {
  if (!Array.isArray(value)) return undefined;
  const shapeBefore = new Map(givenTo.tools.map((tool) => [tool.key, tool.shape]));
  const shapeNow = new Map(task.tools.map((tool) => [tool.key, tool.shape]));
  const kept = value.filter((mark: unknown) => {
    const key = (mark as { tool?: unknown } | null)?.tool;
    if (typeof key !== 'string') return false;
    const shape = shapeNow.get(key);
    return shape !== undefined && shapeBefore.get(key) === shape && readsAsShape(shape, mark);
  }) as Mark[];
  return kept.length === value.length ? (value as MarkingAnnotation) : kept;
}

/** The task with each point tool's tolerance written out (`toleranceOf`): left out, it is the default. */
export const markingWithDefaults = (task: MarkingTask): MarkingTask => ({ ...task, tools: task.tools.map((tool) => (tool.shape === 'point' ? { ...tool, tolerance: toleranceOf(tool) } : tool)) });

/** Tools gone, new, of another shape, or grouping points otherwise: the answers given so far count otherwise. */
export function markingEarlierAnswerChanges(before: MarkingTask, after: MarkingTask): FieldError[] {
  const earlier = new Map(before.tools.map((tool) => [tool.key, tool]));
  const kept = new Set(after.tools.map((tool) => tool.key));
  const gone = before.tools.filter((tool) => !kept.has(tool.key)).map((tool) => tool.key);
  return [
    ...(gone.length ? [{ pointer: '/tools', message: `no longer has ${quoted(gone)}: the marks made with ${gone.length === 1 ? 'it' : 'them'} so far stop counting in the consensus` }] : []),
    ...after.tools.flatMap((tool, index): FieldError[] => {
      const was = earlier.get(tool.key);
      if (!was) return [{ pointer: `/tools/${index}`, message: `is new ("${tool.key}"): answers given so far have no marks of it, and count as marking nothing with it` }];
      if (was.shape !== tool.shape) return [{ pointer: `/tools/${index}/shape`, message: `is "${tool.shape}" where it was "${was.shape}": the marks made with "${tool.key}" so far stop counting in the consensus` }];
      if (tool.shape === 'point' && toleranceOf(was) !== toleranceOf(tool)) return [{ pointer: `/tools/${index}/tolerance`, message: `is ${toleranceOf(tool)} pixels where it was ${toleranceOf(was)}: the points of "${tool.key}" given so far are grouped otherwise in the consensus` }];
      return [];
    }),
  ];
}

/** How far apart two marks of `tool` are: pixels for points, 1 − overlap for rectangles. */
export const gapBetween = (tool: Pick<MarkingTool, 'shape'>, a: Mark, b: Mark) => (tool.shape === 'rectangle' ? 1 - overlapOf(a as RectangleMark, b as RectangleMark) : distanceBetween(a, b));

/**
 * Pairs marks of `a` with marks of `b` (each used once) that are the same thing (`sameThing`), as many as can be
 * (Kuhn's augmenting paths: a first choice that blocks a later mark is moved), each mark trying the nearest first and
 * the marks with the nearest choice going first; the pairs [index in a, index in b], by index in a.
 */
export function matchMarks(tool: MarkingTool, a: readonly Mark[], b: readonly Mark[]): [number, number][] {
  const choices = a.map((mark) =>
    b
      .map((other, j) => ({ j, gap: gapBetween(tool, mark, other) }))
      .filter(({ j }) => sameThing(tool, mark, b[j]!))
      .sort((p, q) => p.gap - q.gap || p.j - q.j),
  );
  const pairedWith = new Array<number | undefined>(b.length).fill(undefined);
  const pair = (i: number, seen: boolean[]): boolean =>
    choices[i]!.some(({ j }) => {
      if (seen[j]) return false;
      seen[j] = true;
      if (pairedWith[j] === undefined || pair(pairedWith[j], seen)) {
        pairedWith[j] = i;
        return true;
      }
      return false;
    });
  const nearestGap = (i: number) => choices[i]![0]?.gap ?? Infinity;
  const order = a.map((_, i) => i).sort((i, j) => nearestGap(i) - nearestGap(j) || i - j);
  for (const i of order) pair(i, new Array<boolean>(b.length).fill(false));
  return pairedWith.flatMap((i, j): [number, number][] => (i === undefined ? [] : [[i, j]])).sort((p, q) => p[0] - q[0]);
}

/**
 * Whether a volunteer's marks give the known ones (a subject's gold standard, a list of marks): for each tool, as
 * many marks as known, each known mark matched by its own one of the volunteer's that is the same thing (points within
 * the tool's tolerance, rectangles overlapping by half), so no mark missed and none extra.
 */
export function givesKnownMarks(task: MarkingTask, given: unknown, known: unknown): boolean {
  if (!Array.isArray(given) || !Array.isArray(known)) return false;
  return task.tools.every((tool) => {
    const [givenMarks, knownMarks] = [given, known].map((marks) => (marks as unknown[]).filter((mark): mark is Mark => (mark as Mark | null)?.tool === tool.key && readsAsShape(tool.shape, mark)));
    return givenMarks!.length === knownMarks!.length && matchMarks(tool, knownMarks!, givenMarks!).length === knownMarks!.length;
  });
}

/** A mark's coordinates (and size) rounded to 0.1 px, as the consensus writes marks. */
export function roundedMark(mark: Mark): Mark {
  const tenth = (value: number) => Math.round(value * 10) / 10;
  const { tool, x, y } = mark;
  return isRectangle(mark) ? { tool, x: tenth(x), y: tenth(y), width: tenth(mark.width), height: tenth(mark.height) } : { tool, x: tenth(x), y: tenth(y) };
}

/** The order the consensus writes marks in: by tool (the task's order), then y, then x. */
export function inAnswerOrder(tools: readonly Pick<MarkingTool, 'key'>[]): (a: Mark, b: Mark) => number {
  const order = new Map(tools.map((tool, index) => [tool.key, index]));
  return (a, b) => (order.get(a.tool) ?? tools.length) - (order.get(b.tool) ?? tools.length) || a.y - b.y || a.x - b.x;
}

/** A known answer as the consensus download's answer column writes answers: rounded, in answer order, as JSON text. */
export const markingFlatKnownAnswer = (task: MarkingTask, known: MarkingAnnotation) => JSON.stringify(known.map(roundedMark).sort(inAnswerOrder(task.tools)));

/** A consensus answer as stored (the marks as JSON text) as a value; [] for none, or for text that is not a list (read per row of a download: never throws). */
export function markingConsensusValue(answer: string): MarkingAnnotation {
  try {
    const parsed = JSON.parse(answer) as unknown;
    return Array.isArray(parsed) ? (parsed as MarkingAnnotation) : [];
  } catch {
    return [];
  }
}

/** The image volunteers mark on: the subject's first image location; undefined when it has none. */
export const markedImageOf = (locations: readonly SubjectLocation[]) => locations.find((location) => location.type === 'image');

/** Whether any of `annotations` holds marks (of a marking task of `tasks`): only then need the subject have an image. */
export const holdsMarks = (tasks: Readonly<Record<string, { type: string }>>, annotations: readonly { task: string; value: unknown }[]) =>
  annotations.some((annotation) => tasks[annotation.task]?.type === 'marking' && Array.isArray(annotation.value) && annotation.value.length > 0);

/** Why marks for task `task` are refused on a subject without an image, as the one who gave them can fix it. */
export const noImageToMark = (task: string) => `holds marks, but the subject has no image to mark them on (task "${task}" marks the subject's first image); send [] for nothing to mark`;

/**
 * Each marking answer that holds marks for a subject without an image (`locations`), at its value: there is nothing
 * the marks could be on. An empty answer is taken (the classifier lets a volunteer go on with nothing to mark).
 */
export function marksWithoutImage(tasks: Readonly<Record<string, { type: string }>>, annotations: readonly { task: string; value: unknown }[], locations: readonly SubjectLocation[], base = '/annotations'): FieldError[] {
  if (markedImageOf(locations)) return [];
  return annotations.flatMap((annotation, index) =>
    holdsMarks(tasks, [annotation]) ? [{ pointer: `${base}/${index}/value`, message: noImageToMark(annotation.task) }] : [],
  );
}
