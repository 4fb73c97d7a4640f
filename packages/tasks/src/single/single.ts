import { z } from 'zod';
import { answerValueSchema, baseTaskFields, labelSchema, type NextField, taskKeySchema, uniqueValues } from '../common';

export const singleTaskSchema = z.strictObject({
  type: z.literal('single'),
  question: labelSchema,
  ...baseTaskFields,
  answers: z
    .array(z.strictObject({ value: answerValueSchema, label: labelSchema, next: taskKeySchema.optional() }))
    .min(2, 'a single-choice task needs at least two answers')
    .max(50)
    .superRefine(uniqueValues),
  /**
   * How answers are combined: `vote` (plurality with agreement) or `bayes` (each volunteer weighed by the confusion
   * matrix learned by Dawid–Skene from all the task's answers, known answers held fixed). Without it: `bayes` for two answers, else `vote`.
   */
  algorithm: z.enum(['vote', 'bayes']).optional(),
  /** Refused with the way to do it: a single-choice task branches per answer. */
  next: z.never({ error: 'is not a field of a single-choice task, which branches per answer: give "next" on each answer that leads on' }).optional(),
});
export type SingleTask = z.infer<typeof singleTaskSchema>;

export function singleAlgorithm(task: SingleTask): 'vote' | 'bayes' {
  return task.algorithm ?? (task.answers.length === 2 ? 'bayes' : 'vote');
}

/** The volunteer submits the value of the answer they picked. */
export function singleAnnotationSchema(task: SingleTask) {
  const values = task.answers.map((answer) => answer.value) as [string, ...string[]];
  return z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(', ')}` });
}
export type SingleAnnotation = string;

export function singleNextTask(task: SingleTask, value: SingleAnnotation): string | undefined {
  return task.answers.find((answer) => answer.value === value)?.next;
}

/** A single choice branches per answer: each answer's `next`, at its place in the task. */
export function singleNextFields(task: SingleTask): NextField[] {
  return task.answers.map((answer, index) => ({ path: `/answers/${index}/next`, next: answer.next }));
}

/** An answer given under an earlier version, as this one reads it: the answer, while the task still offers it. */
export function singleEarlierAnswer(task: SingleTask, value: unknown): SingleAnnotation | undefined {
  return typeof value === 'string' && task.answers.some((answer) => answer.value === value) ? value : undefined;
}
