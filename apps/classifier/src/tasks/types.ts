import type { QueuedSubject } from '@chorus/client';
import type { Task, TaskType } from '@chorus/tasks';

export type TaskOf<T extends TaskType> = Extract<Task, { type: T }>;

/** What every task component receives. The component owns its own keyboard shortcuts. */
export interface TaskProps<T extends Task = Task> {
  task: T;
  /** Unique for this subject and task: a prefix for element ids and radio group names. */
  id: string;
  /** The subject on screen, for tasks that work on its text (close reading, transcription). */
  subject: QueuedSubject;
  /** The annotation value so far (undefined until the volunteer answers). */
  value: unknown;
  onChange(value: unknown): void;
  /** True while the classification is being submitted. */
  disabled: boolean;
}
