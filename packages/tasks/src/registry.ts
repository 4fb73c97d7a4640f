import { z } from 'zod';
import { LIST_SEPARATOR, type NextField, canonicalJson, choicesGone, readJsonCell, readShallowJsonCell } from './common';
import type { FieldError } from './pointer';
import { type FieldsAnnotation, type FieldsTask, type NumberWriting, fieldsAnnotationSchema, fieldsConsensusValue, fieldsEarlierAnswer, fieldsEarlierAnswerChanges, fieldsTaskSchema, givesKnownFields, numberWriting } from './fields/fields';
import { type MarkingAnnotation, type MarkingTask, givesKnownMarks, markingAnnotationSchema, markingFlatKnownAnswer, markingWithDefaults, markingConsensusValue, markingEarlierAnswer, markingEarlierAnswerChanges, markingTaskSchema } from './marking/marking';
import { type CloseReadingAnnotation, closeReadingAnnotationSchema, closeReadingEarlierAnswer, closeReadingKnownAnswer, closeReadingTaskSchema, sameSense } from './close-reading/close-reading';
import { flatKnownChoices, multipleAnnotationSchema, multipleEarlierAnswer, multipleEarlierAnswerChanges, multipleKnownAnswer, multipleTaskSchema, sameChoices } from './multiple/multiple';
import { type SingleAnnotation, singleAnnotationSchema, singleEarlierAnswer, singleNextFields, singleNextTask, singleTaskSchema } from './single/single';
import { type TaggingAnnotation, appliedTags, closedVocabulary, flatKnownTags, givesKnownTags, normaliseTag, taggingAnnotationSchema, taggingEarlierAnswer, taggingEarlierAnswerChanges, taggingKnownAnswer, taggingTaskSchema } from './tagging/tagging';
import type { SubjectLocation } from './subject';
import { type TranscriptionAnnotation, leftAsStarted, sameText, textTagProblem, transcriptionAnnotationSchema, transcriptionEarlierAnswer, transcriptionEarlierAnswerChanges, transcriptionTaskSchema } from './transcription/transcription';

/** Every task a researcher can configure, discriminated by `type`. */
export const taskSchema = z.discriminatedUnion('type', [
  singleTaskSchema,
  multipleTaskSchema,
  transcriptionTaskSchema,
  closeReadingTaskSchema,
  taggingTaskSchema,
  fieldsTaskSchema,
  markingTaskSchema,
]);
export type Task = z.infer<typeof taskSchema>;
export type TaskType = Task['type'];
type TaskOf<T extends TaskType> = Extract<Task, { type: T }>;

interface TaskTypeEntry<T extends TaskType> {
  /**
   * The schema of the `value` a volunteer submits for this task, and that known answers are read with; `numbers`, how
   * the project's language writes them (for a task that `typesNumbers`), says how a value may be typed, never how it
   * is stored.
   */
  annotation(task: TaskOf<T>, numbers?: NumberWriting): z.ZodType;
  /** Whether an answer holds numbers a volunteer types as their language writes them (a form's): read by `numberWriting`. */
  typesNumbers?: true;
  /**
   * Whether its volunteer may ask the team to check the answer (the annotation's `unsure`, "I'm not sure: ask the team
   * to check this"): the consensus then needs checking whatever the crowd agreed.
   */
  asksForCheck?: true;
  /**
   * What a new answer must fix beyond that schema (a rule that came later than answers already stored, which keep
   * counting), as a message for the volunteer; undefined when nothing.
   */
  newAnswerProblem?(task: TaskOf<T>, value: never): string | undefined;
  /**
   * A value given to a task of this type under another version of the workflow (valid under it), as consensus reads it
   * under this version's task of the same key and type: the value itself when all of it counts, what still counts of
   * it as a new value, or undefined when nothing does. It needs what consensus needs (the value's shape, the answers
   * it chose still offered), not the limits a new answer is held to (a length, how many choices or tags). `givenTo` is
   * the task the value was given to.
   */
  earlierAnswer(task: TaskOf<T>, value: unknown, givenTo: TaskOf<T>): unknown;
  /**
   * What `after`, a new version of the task, does to the answers given under `before` as `earlierAnswer` reads them:
   * each change that makes them count otherwise or not at all, at its field's pointer in the task ("" the task).
   */
  earlierAnswerChanges(before: TaskOf<T>, after: TaskOf<T>): FieldError[];
  /**
   * The task's fields that only hold new answers to limits (how long, how many choices or tags, whether unsure or
   * evidence may be given) or say how they are entered: neither `earlierAnswer` nor consensus reads them, so a new
   * version that changes only these (and words) changes no consensus. A field not named here is taken to matter; a
   * function names them for the task as it is (a tagging task's vocabulary only suggests tags while free tags are allowed).
   */
  newAnswerLimits?: readonly (keyof TaskOf<T>)[] | ((task: TaskOf<T>) => readonly (keyof TaskOf<T>)[]);
  /** The same within each item of a list the task holds: a form's fields each set whether they are required and a length. */
  newAnswerLimitsWithin?: { [List in keyof TaskOf<T>]?: readonly string[] };
  /** The task with the defaults its consensus reads written out (a point tool's tolerance), so that leaving one out and writing it are the same to `changesConsensus`. */
  withDefaults?(task: TaskOf<T>): TaskOf<T>;
  /** The task that follows, given the submitted value; undefined ends the workflow. */
  next(task: TaskOf<T>, value: unknown): string | undefined;
  /** Each field that names a task this one can lead to, set or not, for graph checks and the pointers of their errors. */
  nextFields(task: TaskOf<T>): NextField[];
  /**
   * The answers rules and effects may name; undefined when they are free text. A multiple-choice or tagging consensus
   * is a list: an effect names one answer or tag it holds.
   */
  consensusAnswers(task: TaskOf<T>): string[] | undefined;
  /**
   * Why no rule or effect may name an answer of this task, keyed `key` (a form of several values has no one answer to
   * name), in the researcher's words; absent when one may.
   */
  answerNamedProblem?(key: string): string;
  /**
   * The task's own columns of the consensus download, `<task>.<name>` after every task's columns (a form's fields, a
   * marking task's tools): what each is (`field`, `tool`) and their names; absent when it has none.
   */
  columnsWithin?: { part: string; namesOf(task: TaskOf<T>): string[] };
  /** Whether a consensus answer (as stored: a list joined with ";" for lists) holds the answer an effect names. */
  consensusHolds?(consensus: string, answer: string): boolean;
  /** An answer a rule or effect names, as consensus writes it (a tag lower-cased, spaces collapsed); as given when omitted. */
  asConsensusWrites?(answer: string): string;
  /** A volunteer's valid answer as one cell of a flat export; the whole answer is in the export's annotations too. */
  flatAnswer(value: never): string;
  /**
   * A consensus answer (as stored: a list joined with ";" for lists, "" for none) as a volunteer's value gives it, so
   * that `flatAnswer` gives it back: what a researcher's approval keeps of the consensus.
   */
  consensusValue(answer: string): unknown;
  /**
   * A consensus answer (as stored, or as a client sent it back) written so that the same answer is the same text, for
   * `sameConsensusAnswer`: a set's parts sorted (a multiple choice's choices, a tagging task's tags, a marking task's
   * marks), JSON's keys sorted, a text composed (NFC); text that cannot be read so, as it is. Absent: compared as it is.
   */
  comparableConsensus?(answer: string): string;
  /**
   * A subject's known answer (`goldStandard[task]`) in the annotation format, from the short forms researchers may
   * write too (a sense, a list of tags, one value, a list as a download cell); as given when omitted.
   */
  knownAnswer?(known: unknown): unknown;
  /** Whether a volunteer's value gives the known answer (as `knownAnswer` reads it); the same value when omitted. */
  givesKnownAnswer?(given: unknown, known: unknown, task: TaskOf<T>): boolean;
  /** A valid known answer as one cell of the consensus download, as the consensus column beside it writes answers. */
  flatKnownAnswer?(task: TaskOf<T>, known: never): string;
}

const taskLevelNext = {
  next: (task: { next?: string }) => task.next,
  nextFields: (task: { next?: string }): NextField[] => [{ path: '/next', next: task.next }],
};
const freeText = { consensusAnswers: () => undefined };
/** A consensus list as stored (joined with ";", "" for none) as a list. */
const listOf = (joined: string): string[] => (joined === '' ? [] : joined.split(LIST_SEPARATOR));
/** A list's parts in one order, so that the same set is the same text. */
const sortedList = (joined: string): string => JSON.stringify(listOf(joined).sort());

/** The task-type registry: adding a task type means adding one entry here and one folder beside this file. */
export const taskTypes: { [T in TaskType]: TaskTypeEntry<T> } = {
  single: {
    annotation: singleAnnotationSchema,
    next: (task, value) => singleNextTask(task, value as string),
    nextFields: singleNextFields,
    consensusAnswers: (task) => task.answers.map((answer) => answer.value),
    flatAnswer: (value: SingleAnnotation) => value,
    consensusValue: (answer) => answer,
    earlierAnswer: singleEarlierAnswer,
    earlierAnswerChanges: (before, after) => choicesGone(before.answers, after.answers),
  },
  // The consensus of a multiple-choice task is the selected answers joined with ";", in any combination.
  multiple: {
    annotation: multipleAnnotationSchema,
    ...taskLevelNext,
    consensusAnswers: (task) => task.answers.map((answer) => answer.value),
    consensusHolds: (consensus, answer) => consensus.split(LIST_SEPARATOR).includes(answer),
    flatAnswer: (value: string[]) => value.join(LIST_SEPARATOR),
    consensusValue: listOf,
    comparableConsensus: sortedList,
    knownAnswer: multipleKnownAnswer,
    givesKnownAnswer: sameChoices,
    flatKnownAnswer: flatKnownChoices,
    earlierAnswer: multipleEarlierAnswer,
    earlierAnswerChanges: multipleEarlierAnswerChanges,
    newAnswerLimits: ['minChoices', 'maxChoices'],
  },
  transcription: {
    annotation: transcriptionAnnotationSchema,
    asksForCheck: true,
    newAnswerProblem: textTagProblem,
    ...taskLevelNext,
    ...freeText,
    flatAnswer: (value: TranscriptionAnnotation) => value,
    consensusValue: (answer) => answer,
    // Stored composed, as a correction is: a client's decomposed copy is the same text.
    comparableConsensus: (answer) => answer.normalize('NFC'),
    givesKnownAnswer: sameText,
    earlierAnswer: transcriptionEarlierAnswer,
    earlierAnswerChanges: transcriptionEarlierAnswerChanges,
    // Consensus reads a text's lines as the volunteers broke them, whatever editor they had (`mode`).
    newAnswerLimits: ['maxLength', 'mode'],
  },
  'close-reading': {
    annotation: closeReadingAnnotationSchema,
    ...taskLevelNext,
    consensusAnswers: (task) => task.senses.map((sense) => sense.value),
    // Unsure, even with a tentative sense (kept in the annotations): consensus counts it apart from the sure ones.
    flatAnswer: (value: CloseReadingAnnotation) => (value.unsure || value.sense === null ? 'unsure' : value.sense),
    consensusValue: (sense): CloseReadingAnnotation => ({ sense }),
    knownAnswer: closeReadingKnownAnswer,
    givesKnownAnswer: sameSense,
    earlierAnswer: closeReadingEarlierAnswer,
    // Unsure answers count apart as before, also once `allowUnsure` is off; `evidence` is for new answers.
    earlierAnswerChanges: (before, after) => choicesGone(before.senses, after.senses),
    newAnswerLimits: ['allowUnsure', 'evidence'],
  },
  // The tags the volunteer applied; their votes against others' tags are in the annotations.
  tagging: {
    annotation: taggingAnnotationSchema,
    ...taskLevelNext,
    // A closed vocabulary is what an effect may name; tags are compared as consensus normalises them.
    consensusAnswers: closedVocabulary,
    consensusHolds: (consensus, answer) => consensus.split(LIST_SEPARATOR).map(normaliseTag).includes(normaliseTag(answer)),
    asConsensusWrites: normaliseTag,
    // As consensus and known answers write them (lower case, spaces collapsed), each once, so the columns compare.
    flatAnswer: (value: TaggingAnnotation) => [...new Set(appliedTags(value).map(normaliseTag))].join(LIST_SEPARATOR),
    consensusValue: (accepted): TaggingAnnotation => ({ add: listOf(accepted), up: [], down: [] }),
    comparableConsensus: sortedList,
    knownAnswer: taggingKnownAnswer,
    givesKnownAnswer: givesKnownTags,
    flatKnownAnswer: (_task, known: TaggingAnnotation) => flatKnownTags(known),
    earlierAnswer: taggingEarlierAnswer,
    earlierAnswerChanges: taggingEarlierAnswerChanges,
    // Not `allowFreeTags`: closing the vocabulary leaves out the free tags given so far. An open vocabulary only suggests
    // tags: consensus, `earlierAnswer` and effects read the vocabulary only when it is closed (`closedVocabulary`), so
    // suggestions added, taken out or reworded change no answer; a closed one's tags are what answers count for.
    newAnswerLimits: (task) => (task.allowFreeTags ? ['maxTags', 'vocabulary'] : ['maxTags']),
  },
  // A form of named fields; its consensus is decided field by field, and written as the object of their answers.
  fields: {
    annotation: fieldsAnnotationSchema,
    typesNumbers: true,
    ...taskLevelNext,
    ...freeText,
    flatAnswer: (value: FieldsAnnotation) => JSON.stringify(value),
    consensusValue: fieldsConsensusValue,
    comparableConsensus: (answer) => {
      const form = readShallowJsonCell(answer);
      return form !== null && typeof form === 'object' ? canonicalJson(form) : answer;
    },
    knownAnswer: readJsonCell,
    givesKnownAnswer: (given, known, task: FieldsTask) => givesKnownFields(task, given, known),
    earlierAnswer: fieldsEarlierAnswer,
    earlierAnswerChanges: fieldsEarlierAnswerChanges,
    // `fieldsEarlierAnswer` and consensus read a value whatever the field now asks of new ones.
    newAnswerLimitsWithin: { fields: ['required', 'maxLength'] },
    columnsWithin: { part: 'field', namesOf: (task) => task.fields.map((field) => field.key) },
    answerNamedProblem: (key) =>
      `must be left out for task ${key}, a fields task: its consensus is a form of several values, which no answer names (without one, an agreement rule retires on the least agreement of its fields, and an effect acts on any consensus)`,
  },
  // Points and rectangles on the subject's first image; consensus groups the volunteers' marks of each tool into things.
  marking: {
    annotation: markingAnnotationSchema,
    ...taskLevelNext,
    ...freeText,
    flatAnswer: (value: MarkingAnnotation) => JSON.stringify(value),
    consensusValue: markingConsensusValue,
    comparableConsensus: (answer) => {
      const marks = readShallowJsonCell(answer);
      return Array.isArray(marks) ? JSON.stringify(marks.map(canonicalJson).sort()) : answer;
    },
    knownAnswer: readJsonCell,
    flatKnownAnswer: markingFlatKnownAnswer,
    givesKnownAnswer: (given, known, task: MarkingTask) => givesKnownMarks(task, given, known),
    earlierAnswer: markingEarlierAnswer,
    earlierAnswerChanges: markingEarlierAnswerChanges,
    // Consensus reads every mark of a tool whatever its min and max now are.
    newAnswerLimitsWithin: { tools: ['min', 'max'] },
    withDefaults: markingWithDefaults,
    columnsWithin: { part: 'tool', namesOf: (task) => task.tools.map((tool) => tool.key) },
    answerNamedProblem: (key) =>
      `must be left out for task ${key}, a marking task: its consensus is a list of marks, which no answer names (without one, an agreement rule retires on how far the volunteers agree on each thing marked, and an effect acts on any consensus)`,
  },
};

function entryFor<T extends TaskType>(task: TaskOf<T>): TaskTypeEntry<T> {
  return taskTypes[task.type as T];
}

/**
 * What a new answer is checked in the light of, besides its task: each optional, and the answer read without it. A
 * `language` only ever accepts more than none does, the same value stored, but for one refusal: where it groups
 * thousands with ".", a number typed `1.250` (a thousand or more, or a decimal?). Stored values (known answers, the
 * values a worker or a review reads again, a classifier's answers once converted) are read without a language, in
 * which `1.250` is the decimal it was stored as. The API reads a submit without one first, and only when that fails
 * in the project's language: a submit wholly in stored form, as the classifier sends it, is taken as such, so a
 * client typing `1.250` straight to the API in a German project has it stored as 1.25, which nothing can tell apart.
 */
export interface AnswerContext {
  /** The subject's locations: a correction left as the subject's text is valid whatever the task's limits. */
  locations?: readonly SubjectLocation[];
  /** The project's language (BCP 47): a form's number is read as typed in it (`12,5` in French; `numberWriting`). */
  language?: string;
}

/**
 * Built once per task object, and for a task that `typesNumbers` once per way of writing them (few, whatever the
 * languages): aggregation and uploads check many answers against the same task.
 */
function cachedPerTask(build: (task: Task, numbers: NumberWriting | undefined, language: string | undefined) => z.ZodType) {
  const built = new WeakMap<Task, Map<NumberWriting | undefined, z.ZodType>>();
  return (task: Task, language?: string): z.ZodType => {
    const numbers = entryFor(task).typesNumbers ? numberWriting(language) : undefined;
    const perWriting = built.get(task) ?? new Map<NumberWriting | undefined, z.ZodType>();
    built.set(task, perWriting);
    const schema = perWriting.get(numbers) ?? build(task, numbers, language);
    perWriting.set(numbers, schema);
    return schema;
  };
}

export const annotationSchemaFor: (task: Task, language?: string) => z.ZodType = cachedPerTask((task, numbers) => entryFor(task).annotation(task as never, numbers));

/** The schema of a new answer to `task`, as a submit checks it: the stored answers' schema and the task's later rules. */
export const newAnswerSchemaFor: (task: Task, language?: string) => z.ZodType = cachedPerTask((task, _numbers, language) => {
  const problem = entryFor(task).newAnswerProblem;
  const stored = annotationSchemaFor(task, language);
  return problem
    ? stored.superRefine((value, ctx) => {
        const message = problem(task as never, value as never);
        if (message) ctx.addIssue({ code: 'custom', message });
      })
    : stored;
});

/**
 * A new answer to `task`, checked as `newAnswerSchemaFor` checks it in the project's `language`, but for a
 * transcription left exactly as the text it started from (`leftAsStarted`, a correction's, given the subject's
 * `locations`): valid whatever the task's limits for new answers (`maxLength`, its text tags), as that text is the
 * subject's, not the volunteer's, and an answer left as it was is "no change needed".
 */
export function parseNewAnswer(task: Task, value: unknown, { locations, language }: AnswerContext = {}) {
  if (task.type === 'transcription' && locations && typeof value === 'string' && leftAsStarted(task, locations, value)) {
    return { success: true as const, data: value.normalize('NFC') as unknown };
  }
  return newAnswerSchemaFor(task, language).safeParse(value);
}

/** A value given under another version of the workflow, as consensus reads it under `task`, of the same type: see `earlierAnswer`. */
export function earlierAnswerUnder(task: Task, value: unknown, givenTo: Task): unknown {
  return entryFor(task).earlierAnswer(task as never, value, givenTo as never);
}

/** What `after` does to the answers given under `before`, a task of the same type: see `earlierAnswerChanges`. */
export function earlierAnswerChanges<T extends Task>(before: T, after: T): FieldError[] {
  return entryFor(after).earlierAnswerChanges(before as never, after as never);
}

/** `task`, its defaults written out (`withDefaults`), without what only limits new answers, at its top and within its lists: see `newAnswerLimits`, `newAnswerLimitsWithin`. */
export function withoutNewAnswerLimits(written: Task): object {
  const entry = entryFor(written);
  const task = entry.withDefaults ? entry.withDefaults(written as never) : written;
  const limits = new Set((typeof entry.newAnswerLimits === 'function' ? entry.newAnswerLimits(task as never) : (entry.newAnswerLimits ?? [])) as readonly string[]);
  const within = (entry.newAnswerLimitsWithin ?? {}) as Record<string, readonly string[]>;
  const without = (item: object, names: ReadonlySet<string>) => Object.fromEntries(Object.entries(item).filter(([name]) => !names.has(name)));
  return Object.fromEntries(
    Object.entries(task).flatMap(([name, value]) => {
      if (limits.has(name)) return [];
      const inner = within[name];
      return [[name, inner && Array.isArray(value) ? value.map((item: object) => without(item, new Set(inner))) : value]];
    }),
  );
}

/** Whether a volunteer may ask the team to check their answer to the task (`asksForCheck`). */
export const asksForCheck = (task: Task): boolean => entryFor(task).asksForCheck === true;

export function nextTaskOf(task: Task, value: unknown): string | undefined {
  return entryFor(task).next(task as never, value);
}

export function nextFieldsOf(task: Task): NextField[] {
  return entryFor(task).nextFields(task as never);
}

/**
 * The `next` fields of a task as it was sent, valid or not, for naming those that name no task beside the task's other
 * faults: its type's fields that hold text or nothing, or none when even its type or their place is not there.
 */
export function sentNextFieldsOf(task: unknown): NextField[] {
  const type = (task as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(taskTypes, type)) return [];
  try {
    return taskTypes[type as TaskType].nextFields(task as never).filter(({ next }) => next === undefined || typeof next === 'string');
  } catch {
    return []; // a field on the way to a `next` is no object or list (`answers: 3`): the schema names it
  }
}

/** Every task `task` can lead to. */
export function nextCandidatesOf(task: Task): string[] {
  return nextFieldsOf(task).flatMap(({ next }) => (next ? [next] : []));
}

export function consensusAnswersOf(task: Task): string[] | undefined {
  return entryFor(task).consensusAnswers(task as never);
}

/** What the `<task>.<name>` columns of a task of `type` are (`field`, `tool`); undefined for a type without them, or no type. */
export const columnPartOf = (type: unknown): string | undefined => (typeof type === 'string' && Object.hasOwn(taskTypes, type) ? taskTypes[type as TaskType].columnsWithin?.part : undefined);

/** The names of `task`'s `<task>.<name>` columns of the consensus download (its fields, its tools); none for most types. */
export const columnNamesWithin = (task: Task): string[] => entryFor(task).columnsWithin?.namesOf(task as never) ?? [];

/** Why a rule or effect may not name an answer of `task`, keyed `key`; undefined when it may. */
export function answerNamedProblemOf(task: Task, key: string): string | undefined {
  return entryFor(task).answerNamedProblem?.(key);
}

/** Whether the consensus answer of `task` holds `answer`, the answer an effect names: the same, or one of its list. */
export function consensusHolds(task: Task, consensus: string | null, answer: string): boolean {
  if (consensus === null) return false;
  return entryFor(task).consensusHolds?.(consensus, answer) ?? consensus === answer;
}

/** An answer a rule or effect names for `task`, as its consensus writes answers: `Cat` is the tag `cat`. */
export function asConsensusWrites(task: Task, answer: string): string {
  return entryFor(task).asConsensusWrites?.(answer) ?? answer;
}

/** A valid answer to `task` as one cell of a flat export. */
export function flatAnswerOf(task: Task, value: unknown): string {
  return entryFor(task).flatAnswer(value as never);
}

/** A subject's known answer for `task` in the task's annotation format (researchers may write short forms). */
export function knownAnswerOf(task: Task, known: unknown): unknown {
  return entryFor(task).knownAnswer?.(known) ?? known;
}

/** Whether a volunteer's value for `task` gives the known answer, as `knownAnswerOf` reads it. */
export function givesKnownAnswer(task: Task, given: unknown, known: unknown): boolean {
  const rule = entryFor(task).givesKnownAnswer;
  return rule ? rule(given, known, task as never) : given === known;
}

/** The consensus answer of `task` (as stored) in the task's annotation format: see `consensusValue`. */
export function consensusValueOf(task: Task, answer: string): unknown {
  return entryFor(task).consensusValue(answer);
}

/**
 * A consensus answer of `task` (as stored, or as a client sent it back) written so that the same answer is the same
 * text (`comparableConsensus`: `red;blue` as `blue;red`, a form's fields in any order); a task type without such a
 * form, or no task (one the version that computed the consensus has not), as it is. The one rule by which answers
 * compare: `sameConsensusAnswer`, and the form the API stores beside each consensus answer and approval to compare in SQL.
 */
export function comparableConsensusOf(task: Task | undefined, answer: string): string {
  const comparable = task && entryFor(task).comparableConsensus;
  return comparable ? comparable(answer) : answer;
}

/** The comparable form (`comparableConsensusOf`) of a consensus answer of the task `key` as `definition` (the version that computed the consensus) defines the task. */
export const comparableConsensusIn = (definition: { tasks: Record<string, Task> } | undefined, key: string, answer: string): string =>
  comparableConsensusOf(definition && Object.hasOwn(definition.tasks, key) ? definition.tasks[key] : undefined, answer);

/**
 * The comparable form of a consensus answer (`comparableConsensusIn`) as stored beside it: null when it is the answer as
 * it is, which then stands for itself (most single choices and transcriptions: no second copy of their text), and for no answer.
 */
export function storedComparableConsensus(definition: { tasks: Record<string, Task> } | undefined, key: string, answer: string | null): string | null {
  if (answer === null) return null;
  const comparable = comparableConsensusIn(definition, key, answer);
  return comparable === answer ? null : comparable;
}

/** Whether two consensus answers of `task`, as stored or as a client sent one back, are the same answer: the same comparable form (`comparableConsensusOf`). */
export function sameConsensusAnswer(task: Task, a: string, b: string): boolean {
  return a === b || comparableConsensusOf(task, a) === comparableConsensusOf(task, b);
}

/** A valid known answer to `task` as one cell of the consensus download. */
export function flatKnownAnswerOf(task: Task, known: unknown): string {
  const flat = entryFor(task).flatKnownAnswer;
  return flat ? flat(task as never, known as never) : flatAnswerOf(task, known);
}
