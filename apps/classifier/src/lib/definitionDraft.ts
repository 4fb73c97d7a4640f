import { DEFINITION, type Field, isObject, renameTaskReferences, TASK, taskKeysIn } from './definitionSchema';

/**
 * A workflow definition as the lab's form edits it: its tasks as a list, in order, each with the key it is typed
 * with, so that a key may be empty or repeated for a moment while the researcher types (which no JSON object can
 * hold). Every update makes a new draft; nothing is changed in place.
 */

export interface TaskRow {
  /** Stable while the key is edited (React's key for the row). */
  id: string;
  /** The key as typed. */
  key: string;
  /** The key the workflow's references to this task use: the last one typed that no other task had. */
  named: string;
  task: Record<string, unknown>;
}

export interface FormDraft {
  /** Everything but the tasks (whose place among the fields is kept, so the JSON reads the same). */
  rest: Record<string, unknown>;
  tasks: TaskRow[];
}

let rows = 0;
const newRowId = () => `task-${++rows}`;

/**
 * The keys of `tasks` in the order volunteers meet them: the first task, then each task's next ones in the order it
 * names them (an answer's before the task's own), depth first; those no path reaches last, as they come. Chorus keeps
 * a definition's tasks by key (Postgres's `jsonb` sorts them), so the order they were written in is not there to show.
 */
export function tasksInFlowOrder(tasks: Record<string, unknown>, firstTask: unknown): string[] {
  const order: string[] = [];
  const visit = (key: unknown) => {
    if (typeof key !== 'string' || !Object.hasOwn(tasks, key) || order.includes(key)) return;
    order.push(key);
    for (const next of taskKeysIn(tasks[key], TASK)) visit(next);
  };
  visit(firstTask);
  for (const key of Object.keys(tasks)) visit(key);
  return order;
}

/**
 * Whether task `from` is task `to` or leads to it, following each task's `next`s: a `next` of `to` naming such a task
 * would make the workflow loop, which the API refuses.
 */
export function leadsTo(tasks: Record<string, unknown>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const visit = (key: string): boolean => {
    if (key === to) return true;
    if (seen.has(key) || !Object.hasOwn(tasks, key)) return false;
    seen.add(key);
    return taskKeysIn(tasks[key], TASK).some(visit);
  };
  return visit(from);
}

/** The draft of a definition (one the form can show: `notShown` found nothing), its tasks in flow order. */
export function draftOf(definition: Record<string, unknown>): FormDraft {
  const tasks = isObject(definition.tasks) ? definition.tasks : {};
  return {
    // The tasks' place among the fields is kept; the rows hold them.
    rest: { ...definition, tasks: {} },
    tasks: tasksInFlowOrder(tasks, definition.firstTask).map((key) => ({ id: newRowId(), key, named: key, task: isObject(tasks[key]) ? tasks[key] : {} })),
  };
}

/** The definition a draft stands for; only whole when `keyProblems` finds none. */
export function definitionOf(draft: FormDraft): Record<string, unknown> {
  return { ...draft.rest, tasks: Object.fromEntries(draft.tasks.map((row) => [row.key, row.task])) };
}

export type KeyProblem = 'empty' | 'repeated';

/** The tasks (by row id) whose key no JSON object could hold: an empty one, or one another task has too. */
export function keyProblems(draft: FormDraft): Map<string, KeyProblem> {
  const problems = new Map<string, KeyProblem>();
  for (const row of draft.tasks) {
    if (row.key === '') problems.set(row.id, 'empty');
    else if (draft.tasks.some((other) => other !== row && other.key === row.key)) problems.set(row.id, 'repeated');
  }
  return problems;
}

/** `object` with `name` set to `value`, or without it when `value` is undefined; in its place, if it had one. */
export function withField(object: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) {
    const { [name]: _, ...rest } = object;
    return rest;
  }
  return { ...object, [name]: value };
}

/** `list` with the item at `from` moved to `to`. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/** `list` without the item at `index`. */
export const without = <T>(list: readonly T[], index: number): T[] => list.filter((_, at) => at !== index);

/** `list` with the item at `index` replaced. */
export const replaced = <T>(list: readonly T[], index: number, item: T): T[] => list.map((each, at) => (at === index ? item : each));

/**
 * The task at `index` with the key `typed`. References to it (a `next`, `firstTask`, a rule's task) follow the key
 * while it names this task alone; a key left empty or shared for a moment leaves them on the last one that did.
 */
export function renamed(draft: FormDraft, index: number, typed: string): FormDraft {
  const row = draft.tasks[index];
  if (!row) return draft;
  const others = draft.tasks.filter((_, at) => at !== index);
  const alone = typed !== '' && !others.some((other) => other.key === typed || other.named === typed);
  if (!alone || typed === row.named) return { ...draft, tasks: replaced(draft.tasks, index, { ...row, key: typed, named: alone ? typed : row.named }) };
  const follow = (value: unknown, field: Field) => renameTaskReferences(value, field, row.named, typed) as Record<string, unknown>;
  return {
    rest: follow(draft.rest, DEFINITION),
    tasks: draft.tasks.map((each, at) => ({ ...each, ...(at === index ? { key: typed, named: typed } : {}), task: follow(each.task, TASK) })),
  };
}

/** A key for a new task, `T<n>`, that no task has (nor is named by). */
export function freeKey(draft: FormDraft): string {
  const taken = new Set(draft.tasks.flatMap((row) => [row.key, row.named]));
  for (let n = draft.tasks.length; ; n += 1) if (!taken.has(`T${n}`)) return `T${n}`;
}

/** The draft with a task of `type` added at the end, under a free key. */
export function withNewTask(draft: FormDraft, task: Record<string, unknown>): FormDraft {
  const key = freeKey(draft);
  return { ...draft, tasks: [...draft.tasks, { id: newRowId(), key, named: key, task }] };
}

/**
 * What the text typed in a control stands for: a number where it reads as one (else the text as typed, for the API
 * to say what is wrong with it, rather than an edit lost), a line per item of a list, nothing for a field that may be
 * left out and is empty.
 */
export function typedValue(field: Field, text: string): unknown {
  switch (field.kind.kind) {
    case 'number': {
      const trimmed = text.trim();
      if (trimmed === '') return undefined;
      const number = Number(decimalPoint(trimmed));
      return Number.isFinite(number) ? number : text;
    }
    case 'lines':
      if (text !== '') return text.split('\n');
      return field.optional && field.fallback === undefined ? undefined : [];
    default:
      return text === '' && field.optional ? undefined : text;
  }
}

/**
 * A number typed with a decimal comma (`0,6`, as German and French write it and their hints show) with a decimal point
 * instead; a comma beside a point, or more than one, is left for the API to refuse rather than guessed at.
 */
const decimalPoint = (text: string) => (/^[^,.]*,[^,.]*$/.test(text) ? text.replace(',', '.') : text);

/** A value as its control's text: the inverse of `typedValue`. */
export function textOf(value: unknown): string {
  if (Array.isArray(value)) return value.join('\n');
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return '';
}
