import type { Task, TaskType } from '@chorus/tasks';
import type { ComponentType } from 'react';
import { SingleTask } from './single/SingleTask';
import type { TaskOf, TaskProps } from './types';

/**
 * Task type → the component that renders it for a volunteer. What a task configures and what a volunteer
 * submits are defined once in @chorus/tasks; adding a task type here means adding one folder beside this file.
 */
export const taskComponents: { [T in TaskType]?: ComponentType<TaskProps<TaskOf<T>>> } = {
  single: SingleTask,
};

/** The component for a task, or undefined when this classifier cannot render its type yet. */
export function componentFor(task: Task): ComponentType<TaskProps> | undefined {
  return taskComponents[task.type] as ComponentType<TaskProps> | undefined;
}
