import { isRectangle, type Mark, type MarkingTool, MOST_MARKS, markCountProblem, marksOf, type RectangleMark, roundedMark } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import type { Point } from '../../components/viewer/openImage';
import type { Describe, Explain, TaskOf } from '../types';

export type Task = TaskOf<'marking'>;

/**
 * A colour for each tool, the Okabe–Ito palette (told apart with the common kinds of colour blindness), and a shape of
 * its own for each tool's points: two tools never look alike on the image, and the list names each mark in words.
 */
export const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'] as const;
export const GLYPHS = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;
export type Glyph = (typeof GLYPHS)[number];

export const colourOf = (index: number): string => COLOURS[index % COLOURS.length]!;
export const glyphOf = (index: number): Glyph => GLYPHS[index % GLYPHS.length]!;

/** The marks of a value as drawn so far: none for a value that is not a list. */
export const marksIn = (value: unknown): Mark[] => (Array.isArray(value) ? (value as Mark[]) : []);

export const countOf = (marks: readonly Mark[], tool: MarkingTool): number => marksOf(marks, tool).length;

/** A point of the image, kept on it. */
export function onImage({ x, y }: Point, size: { width: number; height: number }): Point {
  return { x: Math.min(Math.max(x, 0), size.width), y: Math.min(Math.max(y, 0), size.height) };
}

/** A point as stored: to a tenth of a pixel (as the consensus writes marks), finer than any volunteer's hand. */
export const pointMark = (tool: string, { x, y }: Point): Mark => roundedMark({ tool, x, y });

/** The rectangle between two corners, as stored, or null when it has no area (a click, not a drag). */
export function rectangleMark(tool: string, a: Point, b: Point): Mark | null {
  const mark = roundedMark({ tool, x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) });
  return isRectangle(mark) && mark.width > 0 && mark.height > 0 ? mark : null;
}

/** The tool whose count is outside its limits, the first in the task's order, and which way. */
export function toolAtFault(task: Task, marks: readonly Mark[]): { tool: MarkingTool; fault: 'tooFew' | 'tooMany'; count: number } | undefined {
  for (const tool of task.tools) {
    const count = countOf(marks, tool);
    if (markCountProblem(tool, count)) return { tool, fault: count < (tool.min ?? 0) ? 'tooFew' : 'tooMany', count };
  }
  return undefined;
}

/** "Penguin 2 at 120, 340", "Sign 1 at 10, 20, 300 × 40": the nth mark of its tool, in whole pixels. */
export function markInWords(t: TFunction, tool: MarkingTool | undefined, n: number, mark: Mark): string {
  return isRectangle(mark) ? t('tasks.marking.rectangleAt', { n, ...wordsOf(tool, mark) }) : t('tasks.marking.pointAt', { n, ...wordsOf(tool, mark) });
}

/** "Penguin at 120, 340", "Sign at 10, 20, 300 × 40": a mark not in a list of marks (so not numbered), in whole pixels. */
export function placeInWords(t: TFunction, tool: MarkingTool | undefined, mark: Mark): string {
  return isRectangle(mark) ? t('tasks.marking.rectangleWhere', wordsOf(tool, mark)) : t('tasks.marking.pointWhere', wordsOf(tool, mark));
}

/** A mark's tool's label and its place in whole pixels, as the words of a mark take them. */
function wordsOf(tool: MarkingTool | undefined, mark: Mark) {
  const place = { label: tool?.label ?? mark.tool, x: Math.round(mark.x), y: Math.round(mark.y) };
  return isRectangle(mark) ? { ...place, width: Math.round(mark.width), height: Math.round(mark.height) } : place;
}

/** "3 Penguin, 1 Sign": how many marks of each tool, in the task's order, those of a tool it no longer has after. */
export function countsInWords(t: TFunction, task: Task, marks: readonly Mark[]): string {
  const keys = new Set([...task.tools.map((tool) => tool.key), ...marks.map((mark) => mark.tool)]);
  const counts = [...keys].map((key) => ({ label: task.tools.find((tool) => tool.key === key)?.label ?? key, count: marks.filter((mark) => mark.tool === key).length }));
  const marked = counts.filter(({ count }) => count > 0);
  return marked.length ? marked.map((each) => t('tasks.marking.toolCount', each)).join(', ') : t('tasks.marking.noMarks');
}

/**
 * Why a mark of `tool` cannot be added to `marks`, in words, or undefined: the answer holds as many marks as any may
 * (`MOST_MARKS`), or as many of the tool as it takes (its `max`).
 */
export function whyNotPlaced(t: TFunction, tool: MarkingTool, marks: readonly Mark[]): string | undefined {
  if (allFull(marks)) return t('tasks.marking.allFull', { max: MOST_MARKS });
  if (tool.max !== undefined && countOf(marks, tool) >= tool.max) return t('tasks.marking.full', { count: tool.max, label: tool.label });
  return undefined;
}

/** Each mark with its tool and its number among that tool's marks, in the order drawn. */
export function numbered(task: Task, marks: readonly Mark[]): { mark: Mark; tool: MarkingTool | undefined; toolIndex: number; n: number }[] {
  const seen = new Map<string, number>();
  return marks.map((mark) => {
    const n = (seen.get(mark.tool) ?? 0) + 1;
    seen.set(mark.tool, n);
    const toolIndex = task.tools.findIndex((tool) => tool.key === mark.tool);
    return { mark, tool: task.tools[toolIndex], toolIndex, n };
  });
}

/** "3 of at most 10": a tool's count against its limits. */
export function countInWords(t: TFunction, tool: MarkingTool, count: number): string {
  const min = tool.min ?? 0;
  if (min > 0 && tool.max !== undefined) return t('tasks.marking.countBetween', { count, min, max: tool.max });
  if (tool.max !== undefined) return t('tasks.marking.countMax', { count, max: tool.max });
  if (min > 0) return t('tasks.marking.countMin', { count, min });
  return t('tasks.marking.count', { count });
}

export const shapeInWords = (t: TFunction, tool: MarkingTool): string => (tool.shape === 'point' ? t('tasks.marking.shape.point') : t('tasks.marking.shape.rectangle'));

/** Going on was refused for a tool's count: which tool, and how many it needs. */
export const explainMarking: Explain<Task> = (task, _issue, t, value) => {
  const marks = marksIn(value);
  if (marks.length > MOST_MARKS) return t('tasks.marking.allFull', { max: MOST_MARKS });
  const fault = toolAtFault(task, marks);
  if (!fault) return undefined;
  const { tool, count: have } = fault;
  return fault.fault === 'tooFew' ? t('tasks.marking.tooFew', { count: tool.min ?? 0, have, label: tool.label }) : t('tasks.marking.tooMany', { count: tool.max ?? 0, have, label: tool.label });
};

/** Whether the answer holds as many marks as any answer may (`MOST_MARKS`), whatever their tools. */
export const allFull = (marks: readonly Mark[]): boolean => marks.length >= MOST_MARKS;

export const describeMarking: Describe<Task> = (task, value, t) => {
  const marks = numbered(task, marksIn(value));
  return marks.length ? marks.map(({ mark, tool, n }) => markInWords(t, tool, n, mark)).join('; ') : t('feedback.nothing');
};

export const markingIsEmpty = (value: unknown): boolean => Array.isArray(value) && value.length === 0;

/** A rectangle's corner, which a handle drags (the opposite one stays put). */
export const CORNERS = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'] as const;
export type Corner = (typeof CORNERS)[number];

/**
 * The least width or height a rectangle is resized to, in pixels of the image: the schema asks for more than 0, and a
 * rectangle thinner than a pixel could not be seen nor grabbed again.
 */
export const LEAST_SIDE = 1;

/** A mark moved by `by` (pixels of the image), kept whole on the image. */
export function movedMark(mark: Mark, by: Point, size: { width: number; height: number }): Mark {
  const [width, height] = isRectangle(mark) ? [mark.width, mark.height] : [0, 0];
  const room = { width: Math.max(size.width - width, 0), height: Math.max(size.height - height, 0) };
  return roundedMark({ ...mark, ...onImage({ x: mark.x + by.x, y: mark.y + by.y }, room) });
}

/** The marks with the one at `index` edited to `mark`; undefined when that changes nothing (a move at the image's edge, say). */
export function withMarkEdited(marks: readonly Mark[], index: number, mark: Mark): Mark[] | undefined {
  const was = marks[index];
  const sides = (each: Mark) => (isRectangle(each) ? `${each.width}×${each.height}` : '');
  const same = (a: Mark, b: Mark) => a.tool === b.tool && a.x === b.x && a.y === b.y && sides(a) === sides(b);
  if (!was || same(was, mark)) return undefined;
  return marks.map((each, at) => (at === index ? mark : each));
}

/**
 * Which way a rectangle's corner points from its middle on screen, as the view (`view`, from `viewMatrix`) turns it:
 * the corner of a square about the image's origin, as whatever the rectangle's size, the same way for each corner.
 */
export function cornerOnScreen(corner: Corner, [a, b, c, d]: readonly number[]): Point {
  const { x, y } = cornerOf({ tool: '', x: -1, y: -1, width: 2, height: 2 }, corner);
  return { x: a! * x + c! * y, y: b! * x + d! * y };
}

/** A rectangle's corner at the screen's bottom right, whatever the view's rotation (`view`): the one Alt and the arrows take. */
export function screenBottomRight(view: readonly number[]): Corner {
  const across = (corner: Corner) => {
    const { x, y } = cornerOnScreen(corner, view);
    return x + y;
  };
  return CORNERS.reduce((best, corner) => (across(corner) > across(best) ? corner : best));
}

/** Where a rectangle's corner is, in pixels of the image. */
export function cornerOf(mark: RectangleMark, corner: Corner): Point {
  const right = corner === 'topRight' || corner === 'bottomRight';
  const bottom = corner === 'bottomLeft' || corner === 'bottomRight';
  return { x: mark.x + (right ? mark.width : 0), y: mark.y + (bottom ? mark.height : 0) };
}

/**
 * A rectangle with `corner` taken to `to` (kept on the image), the opposite corner where it was: the corner stops
 * `LEAST_SIDE` short of its opposite, so the rectangle never turns over nor loses its area.
 */
export function resizedMark(mark: RectangleMark, corner: Corner, to: Point, size: { width: number; height: number }): RectangleMark {
  const right = corner === 'topRight' || corner === 'bottomRight';
  const bottom = corner === 'bottomLeft' || corner === 'bottomRight';
  const { x, y } = onImage(to, size);
  const [left, top] = [mark.x, mark.y];
  const [farRight, farBottom] = [mark.x + mark.width, mark.y + mark.height];
  const [x0, x1] = right ? [left, Math.max(x, left + LEAST_SIDE)] : [Math.min(x, farRight - LEAST_SIDE), farRight];
  const [y0, y1] = bottom ? [top, Math.max(y, top + LEAST_SIDE)] : [Math.min(y, farBottom - LEAST_SIDE), farBottom];
  return roundedMark({ tool: mark.tool, x: x0, y: y0, width: x1 - x0, height: y1 - y0 }) as RectangleMark;
}

/** The resize cursors, by the way a drag resizes on screen: across, down the \ diagonal, up and down, down the / one. */
const RESIZE_CURSORS = ['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'] as const;
export type ResizeCursor = (typeof RESIZE_CURSORS)[number];

/**
 * The cursor over a rectangle's corner handle, and while it is dragged: the way a drag of it resizes on screen, its
 * corner's diagonal as the view (`view`, from `viewMatrix`) turns it. Turned a quarter, the image's top-left corner
 * is at the screen's top right, and is dragged up and right or down and left (nesw-resize).
 */
export function resizeCursor(corner: Corner, view: readonly number[]): ResizeCursor {
  const { x, y } = cornerOnScreen(corner, view);
  const eighths = Math.round(Math.atan2(y, x) / (Math.PI / 4));
  return RESIZE_CURSORS[((eighths % 4) + 4) % 4]!;
}

/** Where a mark is looked at: a point itself, a rectangle's middle. */
export const centreOf = (mark: Mark): Point => (isRectangle(mark) ? { x: mark.x + mark.width / 2, y: mark.y + mark.height / 2 } : { x: mark.x, y: mark.y });

/**
 * The view as one SVG matrix (a, b, c, d, e, f) from pixels of the image to pixels of the layer, read from where the
 * view puts three points (zoom, pan and rotation together are such a map): one transform for all the marks.
 */
export function viewMatrix(toElement: (point: Point) => Point, span: number): [number, number, number, number, number, number] {
  const origin = toElement({ x: 0, y: 0 });
  const across = toElement({ x: span, y: 0 });
  const down = toElement({ x: 0, y: span });
  return [(across.x - origin.x) / span, (across.y - origin.y) / span, (down.x - origin.x) / span, (down.y - origin.y) / span, origin.x, origin.y];
}

/** The matrix undoing a view's zoom and rotation (not its pan): what keeps a glyph or a number upright and of one size on screen. */
export function uprightMatrix([a, b, c, d]: readonly number[]): [number, number, number, number, number, number] {
  const det = a! * d! - b! * c! || 1;
  return [d! / det, -b! / det, -c! / det, a! / det, 0, 0];
}

/** One change of the marks, to undo: the marks before and after, and what was said of it. */
export interface MarkChange {
  before: readonly Mark[];
  after: readonly Mark[];
  words: string;
  /** Edits by the keys of one mark until the keys rest: one change to undo, from the first's `before`. */
  series?: string;
}
export interface MarkHistory {
  done: readonly MarkChange[];
  undone: readonly MarkChange[];
}
export const NO_MARK_HISTORY: MarkHistory = { done: [], undone: [] };
/** Changes kept to undo: more than a volunteer presses Ctrl+Z for. */
const KEPT_CHANGES = 200;

/** The history with a change done (what was undone is no longer to redo); one of the last change's series joins it. */
export function withChange(history: MarkHistory, change: MarkChange): MarkHistory {
  const last = history.done.at(-1);
  if (change.series && last?.series === change.series && last.after === change.before) return { done: [...history.done.slice(0, -1), { ...change, before: last.before }], undone: [] };
  return { done: [...history.done, change].slice(-KEPT_CHANGES), undone: [] };
}

/**
 * Undoes (`redo`: redoes) the last change, when `now` is what it left: the history after, and the `step` taken (the
 * marks to show, the change). No step when there is nothing to undo (the history as it was), or when the marks changed
 * otherwise since (the history then means nothing, and is forgotten).
 */
export function stepHistory(history: MarkHistory, now: readonly Mark[], redo: boolean): { history: MarkHistory; step?: { marks: readonly Mark[]; change: MarkChange } } {
  const from = redo ? history.undone : history.done;
  const change = from.at(-1);
  if (!change) return { history };
  if ((redo ? change.before : change.after) !== now) return { history: NO_MARK_HISTORY };
  const left = from.slice(0, -1);
  return redo ? { step: { marks: change.after, change }, history: { done: [...history.done, change], undone: left } } : { step: { marks: change.before, change }, history: { done: left, undone: [...history.undone, change] } };
}
