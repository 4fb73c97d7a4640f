import { isRectangle, type Mark, type MarkingTool, MOST_MARKS, markCountProblem, marksOf, roundedMark } from '@chorus/tasks';
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
