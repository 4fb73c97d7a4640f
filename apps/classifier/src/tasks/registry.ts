import type { QueuedSubject } from '@chorus/client';
import { knownAnswerOf, type SubjectLocation, startingText, type Task, type TaskType } from '@chorus/tasks';
import { type ComponentType, createElement, lazy } from 'react';
import type { TFunction } from 'i18next';
import { CloseReadingTask, closeReadingPassageShown, describeCloseReading, explainCloseReading } from './close-reading/CloseReadingTask';
import { describeMultiple, explainMultiple, MultipleTask, multipleIsEmpty } from './multiple/MultipleTask';
import { describeSingle, SingleTask } from './single/SingleTask';
import { describeTagging, taggingIsEmpty } from './tagging/describe';
import { TaggingTask } from './tagging/TaggingTask';
import { describeTranscription, transcriptionIsEmpty } from './transcription/describe';
import { describeFields, explainFields, FieldsTask, fieldsInitialValue, fieldsIsEmpty } from './fields/FieldsTask';
import { describeMarking, explainMarking, markingIsEmpty } from './marking/marks';
import { MarkingTask, markedLocation } from './marking/MarkingTask';
import type { Describe, Explain, TaskOf, TaskProps, ValueIssue } from './types';

/**
 * A component in a chunk of its own, and what loads it. Once loaded, it renders at once: a `lazy` component suspends
 * on its first render even when its chunk is there, and the fallback shown meanwhile would take the keys typed.
 */
function preloadable<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): { component: ComponentType<P>; preload(): Promise<unknown> } {
  let loaded: ComponentType<P> | undefined;
  const preload = () =>
    load().then((module) => {
      loaded = module.default;
      return module;
    });
  const Lazy = lazy(preload);
  return { component: (props: P) => createElement(loaded ?? Lazy, props), preload };
}

/** The transcription editor is its own chunk: loaded when a workflow with a transcription task opens, not before. */
const transcription = preloadable(() => import('./transcription/TranscriptionTask'));

/** The task types whose answer can be empty and still right: the volunteer is asked, in the words of `subject.empty.<type>`. */
export type EmptiableType = 'multiple' | 'transcription' | 'tagging' | 'fields' | 'marking';

interface TaskEntry<T extends TaskType> {
  component: ComponentType<TaskProps<TaskOf<T>>>;
  /** The value a task starts from before the volunteer touches it (undefined: "not answered yet"). */
  initialValue?(task: TaskOf<T>, subject: QueuedSubject): unknown;
  /**
   * The location of the subject that the task shows itself (a passage whose words are marked), which the subject's
   * panel then leaves out; with nothing else to show, the task has the whole width.
   */
  ownedLocation?(task: TaskOf<T>, subject: QueuedSubject): SubjectLocation | undefined;
  /** The location the task works on, which the subject's panel opens on, whatever page the task's `showLocation` names (its marks go there). */
  workedLocation?(task: TaskOf<T>, subject: QueuedSubject): SubjectLocation | undefined;
  /** A value of this task in words (the volunteer's answer, or the experts' in gold-standard feedback). */
  describe: Describe<TaskOf<T>>;
  /** A message for a problem with the task's value that says what to do, where the generic one would not. */
  explain?: Explain<TaskOf<T>>;
  /** True when a valid value gives nothing (no answer ticked, no line transcribed, no tag): the volunteer confirms it before going on. */
  isEmpty?: T extends EmptiableType ? (value: unknown) => boolean : never;
  /** Starts loading a lazily loaded component, so that it is ready when the task is reached. */
  preload?(): unknown;
}

/**
 * Task type → how the classifier renders it for a volunteer. What a task configures and what a volunteer
 * submits are defined once in @chorus/tasks; adding a task type here means adding one folder beside this file.
 */
export const taskEntries: { [T in TaskType]?: TaskEntry<T> } = {
  single: { component: SingleTask, describe: describeSingle },
  multiple: { component: MultipleTask, initialValue: () => [], describe: describeMultiple, explain: explainMultiple, isEmpty: multipleIsEmpty },
  transcription: {
    component: transcription.component,
    // A correction starts from the subject's text (`startFrom`), else from an empty editor.
    initialValue: (task, subject) => startingText(task, subject.locations) ?? '',
    describe: describeTranscription,
    isEmpty: transcriptionIsEmpty,
    preload: transcription.preload,
  },
  'close-reading': { component: CloseReadingTask, ownedLocation: closeReadingPassageShown, describe: describeCloseReading, explain: explainCloseReading },
  tagging: { component: TaggingTask, initialValue: () => ({ add: [], up: [], down: [] }), describe: describeTagging, isEmpty: taggingIsEmpty },
  fields: { component: FieldsTask, initialValue: fieldsInitialValue, describe: describeFields, explain: explainFields, isEmpty: fieldsIsEmpty },
  marking: { component: MarkingTask, initialValue: () => [], workedLocation: markedLocation, describe: describeMarking, explain: explainMarking, isEmpty: markingIsEmpty },
};

function entryFor(task: Task): TaskEntry<TaskType> | undefined {
  return taskEntries[task.type] as TaskEntry<TaskType> | undefined;
}

/** The component for a task, or undefined when this classifier cannot render its type yet. */
export function componentFor(task: Task): ComponentType<TaskProps> | undefined {
  return entryFor(task)?.component as ComponentType<TaskProps> | undefined;
}

export function initialValueOf(task: Task, subject: QueuedSubject): unknown {
  return entryFor(task)?.initialValue?.(task as never, subject);
}

export function ownedLocation(task: Task, subject: QueuedSubject): SubjectLocation | undefined {
  return entryFor(task)?.ownedLocation?.(task as never, subject);
}

export function workedLocation(task: Task, subject: QueuedSubject): SubjectLocation | undefined {
  return entryFor(task)?.workedLocation?.(task as never, subject);
}

/** A task's value in words; a type this classifier cannot render is shown as its JSON. */
export function describeValue(task: Task, value: unknown, t: TFunction): string {
  const entry = entryFor(task);
  return entry ? entry.describe(task as never, value, t) : JSON.stringify(value);
}

/**
 * An answer as the downloads flatten it (a consensus: choices or tags joined with ';', a sense) or as a researcher wrote
 * a known answer, in words: read as the API reads a known answer's short forms.
 */
export function describeWrittenAnswer(task: Task, answer: unknown, t: TFunction): string {
  return describeValue(task, knownAnswerOf(task, answer), t);
}

/** A message a volunteer can act on, from the first problem with a task's value. */
export function invalidMessage(task: Task, value: unknown, issue: ValueIssue | undefined, t: TFunction): string {
  if (value === undefined) return t('subject.chooseFirst');
  return entryFor(task)?.explain?.(task as never, issue, t, value) ?? t('subject.invalid', { detail: issue?.message ?? '' });
}

/**
 * The task's type when a valid value gives nothing, e.g. an empty transcription: right for a blank page, so it is
 * confirmed, not refused.
 */
export function emptyAnswerOf(task: Task, value: unknown): EmptiableType | null {
  const isEmpty = (entryFor(task) as TaskEntry<EmptiableType> | undefined)?.isEmpty;
  return isEmpty?.(value) ? (task.type as EmptiableType) : null;
}

/** What a task asks, as the volunteer saw it: its question or instruction. */
export function promptOf(task: Task): string {
  return 'question' in task ? task.question : task.instruction;
}

/** Starts loading the components of every task type a workflow uses (the lazily loaded ones). */
export function preloadTasks(tasks: Iterable<Task>): void {
  for (const task of tasks) entryFor(task)?.preload?.();
}
