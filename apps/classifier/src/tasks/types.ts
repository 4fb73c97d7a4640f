import type { QueuedSubject } from '@chorus/client';
import type { Task, TaskType } from '@chorus/tasks';
import type { TFunction } from 'i18next';
import type { Saying } from '../lib/said';

export type TaskOf<T extends TaskType> = Extract<Task, { type: T }>;

/** What every task component receives. The component owns its own keyboard shortcuts. */
export interface TaskProps<T extends Task = Task> {
  task: T;
  /** The task's key in the workflow and the workflow's id, for tasks that ask the API about the subject (tagging). */
  taskKey: string;
  workflowId: string;
  /** Unique for this subject and task: a prefix for element ids and radio group names. */
  id: string;
  /** The subject on screen, for tasks that work on it (close reading's text, tagging's proposed tags). */
  subject: QueuedSubject;
  /** The annotation value so far (undefined until the volunteer answers). */
  value: unknown;
  onChange(value: unknown): void;
  /**
   * Tells the classifier what in the task is begun but not in its value yet (a tag typed but not added), so that
   * going on is refused with this note rather than losing it; null once there is nothing.
   */
  setUnfinished(note: Saying<string> | null): void;
  /** True while the classification is being submitted. */
  disabled: boolean;
  /**
   * For a task whose volunteer may ask the team to check their answer (`asksForCheck`: a transcription), whether they
   * ask it (the annotation's `unsure`), and how to change that; without `onUnsureChange`, nothing asks it.
   */
  unsure?: boolean;
  onUnsureChange?(unsure: boolean): void;
  /**
   * How many times going on was refused for a problem with a value: a task that shows problems where they are (a
   * form's fields) shows them all and focuses the first each time it grows.
   */
  refusals?: number;
}

/** The first problem zod found with a task's value: where in the value, and what. */
export interface ValueIssue {
  path: PropertyKey[];
  message: string;
}

/** What a volunteer can do about a problem with this task's value (`value`, as refused), or undefined for the generic message. */
export type Explain<T extends Task = Task> = (task: T, issue: ValueIssue | undefined, t: TFunction, value: unknown) => string | undefined;

/** An annotation value of a task in words, e.g. the label of the chosen answer, for gold-standard feedback. */
export type Describe<T extends Task = Task> = (task: T, value: unknown, t: TFunction) => string;
