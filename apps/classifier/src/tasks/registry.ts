import type { QueuedSubject } from '@chorus/client';
import type { Task, TaskType } from '@chorus/tasks';
import type { ComponentType } from 'react';
import { CloseReadingTask, closeReadingOwnsMedia } from './close-reading/CloseReadingTask';
import { MultipleTask } from './multiple/MultipleTask';
import { SingleTask } from './single/SingleTask';
import { TaggingTask } from './tagging/TaggingTask';
import { TranscriptionTask } from './transcription/TranscriptionTask';
import type { TaskOf, TaskProps } from './types';

interface TaskEntry<T extends TaskType> {
  component: ComponentType<TaskProps<TaskOf<T>>>;
  /** The value a task starts from before the volunteer touches it (undefined: "not answered yet"). */
  initialValue?(task: TaskOf<T>): unknown;
  /** True when the task shows the subject itself (e.g. a passage whose words are marked), full width. */
  ownsMedia?(task: TaskOf<T>, subject: QueuedSubject): boolean;
}

/**
 * Task type → how the classifier renders it for a volunteer. What a task configures and what a volunteer
 * submits are defined once in @chorus/tasks; adding a task type here means adding one folder beside this file.
 */
export const taskEntries: { [T in TaskType]?: TaskEntry<T> } = {
  single: { component: SingleTask },
  multiple: { component: MultipleTask, initialValue: () => [] },
  transcription: { component: TranscriptionTask, initialValue: () => '' },
  'close-reading': { component: CloseReadingTask, ownsMedia: closeReadingOwnsMedia },
  tagging: { component: TaggingTask, initialValue: () => ({ add: [], up: [], down: [] }) },
};

function entryFor(task: Task): TaskEntry<TaskType> | undefined {
  return taskEntries[task.type] as TaskEntry<TaskType> | undefined;
}

/** The component for a task, or undefined when this classifier cannot render its type yet. */
export function componentFor(task: Task): ComponentType<TaskProps> | undefined {
  return entryFor(task)?.component as ComponentType<TaskProps> | undefined;
}

export function initialValueOf(task: Task): unknown {
  return entryFor(task)?.initialValue?.(task as never);
}

export function ownsMedia(task: Task, subject: QueuedSubject): boolean {
  return entryFor(task)?.ownsMedia?.(task as never, subject) ?? false;
}
