import { z } from 'zod';
import { taskKeySchema } from './common';
import { type FieldError, type Validated, fieldErrorsOf } from './pointer';
import { type AnswerContext, asksForCheck, earlierAnswerUnder, nextTaskOf, parseNewAnswer } from './registry';
import type { WorkflowDefinition } from './workflow';

/**
 * One answer: `value` by its task's type; `unsure`, the volunteer's "I'm not sure: ask the team to check this", for a
 * task that takes it (`asksForCheck`: a transcription), kept only when true. Answers stored before it have none.
 */
export const annotationSchema = z.strictObject({ task: taskKeySchema, value: z.unknown(), unsure: z.boolean().optional() });
export type Annotation = { task: string; value: unknown; unsure?: boolean };

export const annotationsSchema = z.array(annotationSchema).min(1, 'answer at least the first task').max(100);

/**
 * Checks a volunteer's annotations against a workflow version: each value fits its task, and the tasks
 * follow the workflow's path from `firstTask` through the branches the answers chose, to its end. Given the subject's
 * `locations`, a correction left as the subject's text is valid whatever the task's limits; given the project's
 * `language`, a form's number may be typed with its decimal separator (`parseNewAnswer`).
 */
export function validateAnnotations(definition: WorkflowDefinition, input: unknown, base = '/annotations', context: AnswerContext = {}): Validated<Annotation[]> {
  const shape = annotationsSchema.safeParse(input);
  if (!shape.success) return { ok: false, errors: fieldErrorsOf(shape.error, base) };
  const annotations = shape.data as Annotation[];
  const errors: FieldError[] = [];
  let expected: string | undefined = definition.firstTask;
  const values: Annotation[] = [];
  for (const [index, annotation] of annotations.entries()) {
    const task = definition.tasks[annotation.task];
    if (!task) {
      errors.push({ pointer: `${base}/${index}/task`, message: `"${annotation.task}" is not a task of this workflow version` });
      return { ok: false, errors };
    }
    if (annotation.task !== expected) {
      const message = expected === undefined ? 'the workflow has already ended; remove this annotation' : `expected task "${expected}" here`;
      errors.push({ pointer: `${base}/${index}/task`, message });
      return { ok: false, errors };
    }
    if (annotation.unsure !== undefined && !asksForCheck(task)) {
      return { ok: false, errors: [{ pointer: `${base}/${index}/unsure`, message: `a ${task.type} task does not take "unsure" (only a transcription does): leave it out` }] };
    }
    const value = parseNewAnswer(task, annotation.value, context);
    if (!value.success) return { ok: false, errors: fieldErrorsOf(value.error, `${base}/${index}/value`) };
    values.push({ task: annotation.task, value: value.data, ...(annotation.unsure ? { unsure: true } : {}) });
    expected = nextTaskOf(task, value.data);
  }
  if (expected !== undefined) {
    return { ok: false, errors: [{ pointer: base, message: `incomplete: task "${expected}" still needs an answer` }] };
  }
  return { ok: true, value: values };
}

/**
 * The annotations of a classification made under another version of the workflow (`givenUnder`) as this version reads
 * them: those whose task it still has, of the same type, each with what still counts of its value (`earlierAnswerUnder`:
 * an answer it still offers, a value of the task's shape, whatever limits it now sets for new answers). Aggregation
 * counts only these, so a consensus never settles on an answer the workflow no longer has, nor mixes one task type's
 * values with another's. Nothing can tell a question reworded under the same answers, so those answers count. An
 * annotation read whole is returned as it was given (the same object); one read in part, as a new one.
 */
export function annotationsReadableUnder(definition: WorkflowDefinition, annotations: readonly Annotation[], givenUnder: WorkflowDefinition): Annotation[] {
  return annotations.flatMap((annotation) => {
    const task = definition.tasks[annotation.task];
    const givenTo = givenUnder.tasks[annotation.task];
    if (!task || givenTo?.type !== task.type) return [];
    const value = earlierAnswerUnder(task, annotation.value, givenTo);
    if (value === undefined) return [];
    return [value === annotation.value ? annotation : { ...annotation, value }];
  });
}
