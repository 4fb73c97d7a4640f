import { isObject, segmentsOf, TASK, valueAt } from './definitionSchema';

/**
 * Which hint a field of the definition's form has (`lab.definitionForm.hints.<context>.<name>`), by its place, since a
 * name means different things in different places: an effect's `answer` is the consensus answer that moves a subject,
 * a posterior rule's the answer whose probability is followed. The context is what holds the field: the definition
 * itself, a task, a fields task's field (`formField`), a marking task's tool (`markingTool`), the selection, an effect, or a retirement rule of a kind (`posteriorRule`). A threshold of agreement
 * (an agreement rule's, an effect's) is told by what agreement measures for the type of the task it names.
 */
export interface HintKey {
  context: string;
  name: string;
}

const CONTEXTS: Record<string, string> = { tasks: 'task', effects: 'effect' };
const AGREEMENT_FIELDS = new Set(['agreementRule.threshold', 'effect.agreementAtLeast']);
const TASK_TYPES: readonly string[] = TASK.kind.kind === 'union' ? [...TASK.kind.options.keys()] : [];

export function hintKeyAt(pointer: string, definition: unknown): HintKey {
  const segments = segmentsOf(pointer);
  const name = segments.at(-1) ?? '';
  if (segments.length <= 1) return { context: 'definition', name };
  const holder = segments.slice(0, -1).reduce(valueAt, definition);
  const [first = ''] = segments;
  // A fields task's field (`/tasks/T/fields/0/help`): its help is a line shown under the field, not the task's markdown.
  if (first === 'tasks' && segments[2] === 'fields' && segments.length === 5) return { context: 'formField', name };
  // A marking task's tool (`/tasks/T/tools/0/min`): its limits are of its own marks, not the task's.
  if (first === 'tasks' && segments[2] === 'tools' && segments.length === 5) return { context: 'markingTool', name };
  const context = first === 'retirement' ? `${isObject(holder) ? String(holder.rule) : ''}Rule` : (CONTEXTS[first] ?? first);
  if (!AGREEMENT_FIELDS.has(`${context}.${name}`)) return { context, name };
  return { context: 'agreement', name: agreementOf(definition, isObject(holder) ? holder.task : undefined) };
}

/** What agreement measures for the task `key` names: its type, or `anyTask` before a task of a known type is chosen. */
function agreementOf(definition: unknown, key: unknown): string {
  const tasks = isObject(definition) && isObject(definition.tasks) ? definition.tasks : {};
  const task = typeof key === 'string' && Object.hasOwn(tasks, key) ? tasks[key] : undefined;
  const type = isObject(task) ? task.type : undefined;
  return typeof type === 'string' && TASK_TYPES.includes(type) ? type : 'anyTask';
}
