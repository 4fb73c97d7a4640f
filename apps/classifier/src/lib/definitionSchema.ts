import { taskKeySchema, taskSchema, toPointer, workflowDefinitionSchema } from '@chorus/tasks';
import { z } from 'zod';

/**
 * The workflow definition's schema (`@chorus/tasks`) read as a form: which control each field takes, which choices
 * it offers, what a new item of a list is. The form's fields, task types, rule kinds and orders all come from here,
 * so a field added to a schema appears in the lab's form without a second description of it.
 */

export type Shape = Record<string, z.ZodType>;

export type Kind =
  /** A line of text, or several (`long`: help, a tutorial's body). */
  | { kind: 'text'; long: boolean }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: readonly string[] }
  /** A task's key (`firstTask`, `next`, a rule's task): chosen among the workflow's tasks. */
  | { kind: 'taskKey' }
  /** The id of one of the project's subject sets. */
  | { kind: 'subjectSet' }
  /** A list of short strings, one per line (text tags, a vocabulary). */
  | { kind: 'lines' }
  | { kind: 'group'; shape: Shape }
  /** One of several kinds of object, told apart by `discriminator` (a task's `type`, a rule's `rule`). */
  | { kind: 'union'; discriminator: string; options: ReadonlyMap<string, Shape> }
  | { kind: 'items'; item: Field }
  /** The workflow's tasks, by key. */
  | { kind: 'tasks'; task: Field }
  /** A number per subject set, by the set's id. */
  | { kind: 'weights' }
  /** A field that must be left out (a single-choice task's `next`, which branches per answer). */
  | { kind: 'absent' }
  | { kind: 'unknown' };

export interface Field {
  kind: Kind;
  /** May be left out. */
  optional: boolean;
  /** What a field left out stands for, when the schema gives it a default. */
  fallback?: unknown;
}

/** Beyond this many characters a text field is a text area. */
const LONGEST_LINE = 1000;

/** Each schema read once: the form reads its fields on every render. */
const described = new WeakMap<z.ZodType, Field>();

export function describe(schema: z.ZodType): Field {
  let field = described.get(schema);
  if (!field) {
    field = describeAnew(schema);
    described.set(schema, field);
  }
  return field;
}

function describeAnew(schema: z.ZodType): Field {
  if (schema instanceof z.ZodOptional) return { ...describe(schema.unwrap() as z.ZodType), optional: true };
  if (schema instanceof z.ZodDefault) return { ...describe(schema.unwrap() as z.ZodType), optional: true, fallback: schema.def.defaultValue };
  // A value tidied once read (a choice composed, NFC) is written as its input is.
  if (schema instanceof z.ZodPipe) return describe(schema.def.in as z.ZodType);
  return { kind: kindOf(schema), optional: false };
}

function kindOf(schema: z.ZodType): Kind {
  if (schema === taskKeySchema) return { kind: 'taskKey' };
  // Ids are subject sets' (an effect's is written `z.string().uuid()`, the selection's `z.uuid()`).
  if (schema instanceof z.ZodUUID || (schema instanceof z.ZodString && schema.format === 'uuid')) return { kind: 'subjectSet' };
  if (schema instanceof z.ZodString) return { kind: 'text', long: (schema.maxLength ?? Number.POSITIVE_INFINITY) > LONGEST_LINE };
  if (schema instanceof z.ZodNumber) return { kind: 'number' };
  if (schema instanceof z.ZodBoolean) return { kind: 'boolean' };
  if (schema instanceof z.ZodEnum) return { kind: 'choice', options: schema.options as string[] };
  if (schema instanceof z.ZodNever) return { kind: 'absent' };
  if (schema instanceof z.ZodObject) return { kind: 'group', shape: schema.shape as Shape };
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = schema.def.discriminator;
    const options = new Map((schema.options as z.ZodObject[]).map((option) => [String((option.shape[discriminator] as z.ZodLiteral).value), option.shape as Shape]));
    return { kind: 'union', discriminator, options };
  }
  if (schema instanceof z.ZodArray) {
    const item = describe(schema.element as z.ZodType);
    if (item.kind.kind === 'text') return { kind: 'lines' };
    return item.kind.kind === 'group' || item.kind.kind === 'union' ? { kind: 'items', item } : { kind: 'unknown' };
  }
  if (schema instanceof z.ZodRecord) {
    if (schema.def.keyType === taskKeySchema) return { kind: 'tasks', task: describe(schema.def.valueType as z.ZodType) };
    if (schema.def.keyType instanceof z.ZodUUID && schema.def.valueType instanceof z.ZodNumber) return { kind: 'weights' };
  }
  return { kind: 'unknown' };
}

/** The whole definition, as a group of fields. */
export const DEFINITION: Field = describe(workflowDefinitionSchema);
/** A task, of any type the registry offers. */
export const TASK: Field = describe(taskSchema);

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields of a union's option, or of a group; for a union, those of the kind `value` is (its discriminator aside). */
export function fieldsOf(field: Field, value: unknown): [string, Field][] {
  const { kind } = field;
  if (kind.kind === 'group') return Object.entries(kind.shape).map(([name, schema]) => [name, describe(schema)]);
  if (kind.kind !== 'union' || !isObject(value)) return [];
  const shape = kind.options.get(String(value[kind.discriminator]));
  return shape ? Object.entries(shape).flatMap(([name, schema]): [string, Field][] => (name === kind.discriminator ? [] : [[name, describe(schema)]])) : [];
}

/** A field's value as the form shows it: what it holds, else what the schema's default stands for. */
export const shownValue = (field: Field, value: unknown): unknown => value ?? field.fallback;

/** A new item for a list: an empty object, of a union's first kind. */
export function newItem(item: Field): Record<string, unknown> {
  return item.kind.kind === 'union' ? { [item.kind.discriminator]: item.kind.options.keys().next().value } : {};
}

/**
 * A union's value turned into another kind: the discriminator changed, and what the new kind has too is kept (a
 * task's question and answers, a rule's task and maximum), without what it has not (an answer's `next`, from a
 * single-choice task to a multiple-choice one).
 */
export function switchKind(field: Field, value: unknown, to: string): Record<string, unknown> {
  if (field.kind.kind !== 'union') throw new Error('switchKind needs a union');
  const switched = { ...(isObject(value) ? value : {}), [field.kind.discriminator]: to };
  return conform(field, switched) as Record<string, unknown>;
}

function conform(field: Field, value: unknown): unknown {
  const { kind } = field;
  if (kind.kind === 'items' && Array.isArray(value)) return value.map((item) => conform(kind.item, item));
  if ((kind.kind !== 'group' && kind.kind !== 'union') || !isObject(value)) return value;
  const fields = new Map(fieldsOf(field, value));
  const kept = Object.entries(value).flatMap(([name, inner]): [string, unknown][] => {
    if (kind.kind === 'union' && name === kind.discriminator) return [[name, inner]];
    const innerField = fields.get(name);
    return innerField && innerField.kind.kind !== 'absent' ? [[name, conform(innerField, inner)]] : [];
  });
  return Object.fromEntries(kept);
}

/** The field a segment of a pointer leads to from `field` (holding `value`), if the form shows one there. */
function childOf(field: Field, value: unknown, segment: string): Field | undefined {
  const { kind } = field;
  if (kind.kind === 'group' || kind.kind === 'union') {
    if (kind.kind === 'union' && segment === kind.discriminator) return { kind: { kind: 'choice', options: [...kind.options.keys()] }, optional: false };
    return fieldsOf(field, value).find(([name]) => name === segment)?.[1];
  }
  if (kind.kind === 'items') return /^\d+$/.test(segment) ? kind.item : undefined;
  if (kind.kind === 'tasks') return kind.task;
  if (kind.kind === 'weights') return { kind: { kind: 'number' }, optional: true };
  return undefined;
}

/** What `value` holds at one segment of a pointer. */
export const valueAt = (value: unknown, segment: string): unknown => (Array.isArray(value) ? value[Number(segment)] : isObject(value) ? value[segment] : undefined);

/** Where a message is shown: at a control (a list's at its Add button, a union's at its kind, a task's at its key). */
const showsMessages = (kind: Kind): boolean => !['group', 'weights', 'absent', 'unknown'].includes(kind.kind);

/** A JSON pointer's segments (RFC 6901). */
export const segmentsOf = (pointer: string): string[] =>
  pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));

/**
 * The pointer of the form's field that shows a message about `pointer` in `definition`: the field itself, else the
 * nearest one above it (an item of a list of text tags: the list); none when only the definition as a whole is above.
 */
export function fieldPointerFor(pointer: string, definition: unknown): string | undefined {
  const segments = segmentsOf(pointer);
  let field = DEFINITION;
  let value = definition;
  let found: string | undefined;
  for (const [index, segment] of segments.entries()) {
    const child = childOf(field, value, segment);
    if (!child) break;
    field = child;
    value = valueAt(value, segment);
    if (showsMessages(child.kind)) found = toPointer(segments.slice(0, index + 1));
  }
  return found;
}

/** Why the form cannot show a definition: the pointer of what it cannot show, and what that is. */
export interface NotShown {
  pointer: string;
  why: 'notObject' | 'unknownField' | 'unknownKind' | 'wrongType' | 'leftOut';
}

/**
 * What of `definition` the form cannot show, if anything: a field no schema has (a misspelt one), a value of another
 * type than its control holds, a kind of task or rule the schemas do not know. The API would refuse each of them; the
 * form would have to drop them to show the rest, so such a definition is edited as JSON.
 */
export function notShown(definition: unknown, field: Field = DEFINITION, path: string[] = []): NotShown | undefined {
  if (definition === undefined) return undefined;
  const at = (why: NotShown['why'], more: string[] = []): NotShown => ({ pointer: toPointer([...path, ...more]), why });
  const { kind } = field;
  switch (kind.kind) {
    case 'text':
    case 'choice':
    case 'taskKey':
    case 'subjectSet':
      return typeof definition === 'string' ? undefined : at('wrongType');
    // A number the researcher typed that is none is kept as typed, for the API to say so.
    case 'number':
      return typeof definition === 'number' || typeof definition === 'string' ? undefined : at('wrongType');
    case 'boolean':
      return typeof definition === 'boolean' ? undefined : at('wrongType');
    case 'lines':
      return Array.isArray(definition) && definition.every((line) => typeof line === 'string') ? undefined : at('wrongType');
    case 'items':
      if (!Array.isArray(definition)) return at('wrongType');
      for (const [index, item] of definition.entries()) {
        const found = notShown(item, kind.item, [...path, String(index)]);
        if (found) return found;
      }
      return undefined;
    case 'tasks':
    case 'weights':
      if (!isObject(definition)) return at('wrongType');
      for (const [key, item] of Object.entries(definition)) {
        const found = kind.kind === 'tasks' ? notShown(item, kind.task, [...path, key]) : notShown(item, { kind: { kind: 'number' }, optional: true }, [...path, key]);
        if (found) return found;
      }
      return undefined;
    case 'group':
    case 'union': {
      if (!isObject(definition)) return at(path.length ? 'wrongType' : 'notObject');
      if (kind.kind === 'union' && !kind.options.has(String(definition[kind.discriminator]))) return at('unknownKind', [kind.discriminator]);
      const fields = new Map(fieldsOf(field, definition));
      for (const [name, value] of Object.entries(definition)) {
        if (kind.kind === 'union' && name === kind.discriminator) continue;
        const inner = fields.get(name);
        if (!inner) return at('unknownField', [name]);
        const found = notShown(value, inner, [...path, name]);
        if (found) return found;
      }
      return undefined;
    }
    case 'absent':
      return at('leftOut');
    default:
      return at('wrongType');
  }
}

/** `value` with `change` made to every task key it names (a `next`, `firstTask`, a rule's task, an effect's). */
function mapTaskKeys(value: unknown, field: Field, change: (key: string) => string): unknown {
  const { kind } = field;
  if (kind.kind === 'taskKey') return typeof value === 'string' ? change(value) : value;
  if (kind.kind === 'items' && Array.isArray(value)) return value.map((item) => mapTaskKeys(item, kind.item, change));
  if (kind.kind === 'tasks' && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, task]) => [key, mapTaskKeys(task, kind.task, change)]));
  }
  if ((kind.kind !== 'group' && kind.kind !== 'union') || !isObject(value)) return value;
  const fields = new Map(fieldsOf(field, value));
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => {
      const innerField = fields.get(name);
      return [name, innerField ? mapTaskKeys(inner, innerField, change) : inner];
    }),
  );
}

/** `value` with every task key that names `from` naming `to`. */
export const renameTaskReferences = (value: unknown, field: Field, from: string, to: string): unknown => mapTaskKeys(value, field, (key) => (key === from ? to : key));

/** The task keys `value` names, in the order it names them. */
export function taskKeysIn(value: unknown, field: Field): string[] {
  const keys: string[] = [];
  mapTaskKeys(value, field, (key) => {
    keys.push(key);
    return key;
  });
  return keys;
}

/** A message of the API's placed at a field: what it says, and where below that field it is, if deeper. */
export interface PlacedMessage {
  within: string;
  message: string;
}

/**
 * The API's messages (errors or warnings, by pointer into `definition`) at the form's fields that show them
 * (`fieldPointerFor`), and those no field shows, for the form's summary.
 */
export function placeMessages(messages: readonly { pointer: string; message: string }[], definition: unknown): { at: Map<string, PlacedMessage[]>; elsewhere: { pointer: string; message: string }[] } {
  const at = new Map<string, PlacedMessage[]>();
  const elsewhere: { pointer: string; message: string }[] = [];
  for (const { pointer, message } of messages) {
    const field = fieldPointerFor(pointer, definition);
    if (field === undefined) {
      elsewhere.push({ pointer, message });
      continue;
    }
    const within = pointer.slice(field.length).replace(/^\//, '');
    at.set(field, [...(at.get(field) ?? []), { within, message }]);
  }
  return { at, elsewhere };
}
