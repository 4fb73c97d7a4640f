import { z } from 'zod';
import { LIST_SEPARATOR, baseTaskFields, choiceSchema, labelSchema, quoted, stringsOf, taskKeySchema, uniqueValues, valuesGone } from '../common';
import type { FieldError } from '../pointer';

export const multipleTaskSchema = z
  .strictObject({
    type: z.literal('multiple'),
    question: labelSchema,
    ...baseTaskFields,
    answers: z.array(choiceSchema).min(1).max(100).superRefine(uniqueValues),
    minChoices: z.int().min(0).default(0),
    maxChoices: z.int().min(1).optional(),
    next: taskKeySchema.optional(),
  })
  .superRefine((task, ctx) => {
    const max = task.maxChoices ?? task.answers.length;
    if (max > task.answers.length) {
      ctx.addIssue({ code: 'custom', path: ['maxChoices'], message: `cannot exceed the number of answers (${task.answers.length})` });
    }
    if (task.minChoices > max) {
      const most = task.maxChoices === undefined ? `the number of answers (${max})` : `maxChoices (${max})`;
      ctx.addIssue({ code: 'custom', path: ['minChoices'], message: `cannot exceed ${most}` });
    }
  });
export type MultipleTask = z.infer<typeof multipleTaskSchema>;

/** The volunteer submits the values of every answer they ticked. */
export function multipleAnnotationSchema(task: MultipleTask) {
  const values = task.answers.map((answer) => answer.value) as [string, ...string[]];
  const max = task.maxChoices ?? values.length;
  return z
    .array(z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(', ')}` }))
    .min(task.minChoices, `choose at least ${task.minChoices}`)
    .max(max, `choose at most ${max}`)
    .refine((chosen) => new Set(chosen).size === chosen.length, 'each answer may be chosen once');
}
export type MultipleAnnotation = string[];

/** A known answer as researchers may write it: the list, or one value, or the list as a download cell (`a;b`). */
export const multipleKnownAnswer = (known: unknown): unknown => (typeof known === 'string' ? known.split(LIST_SEPARATOR) : known);

/** Whether the volunteer ticked exactly the known answers, in any order. */
export function sameChoices(given: unknown, known: unknown): boolean {
  const [a, b] = [stringsOf(given), stringsOf(known)];
  return new Set(a).size === new Set(b).size && a.every((item) => b.includes(item));
}

/** A valid known answer as a download cell: its answers in the task's order, as consensus lists them. */
export const flatKnownChoices = (task: MultipleTask, known: MultipleAnnotation): string =>
  task.answers.map((answer) => answer.value).filter((value) => known.includes(value)).join(LIST_SEPARATOR);

/**
 * An answer given under an earlier version, as this one reads it: the answers it chose that the task still offers
 * (consensus decides each answer on its own, from who chose it and who did not), however many (`minChoices` and
 * `maxChoices` are for new answers). The value itself when the task offers all of them.
 */
export function multipleEarlierAnswer(task: MultipleTask, value: unknown): MultipleAnnotation | undefined {
  if (!Array.isArray(value) || !value.every((chosen) => typeof chosen === 'string')) return undefined;
  const offered = new Set(task.answers.map((answer) => answer.value));
  const kept = value.filter((chosen) => offered.has(chosen));
  return kept.length === value.length ? value : kept;
}

/**
 * Answers given so far count for each answer they chose and against each they did not: one no longer offered leaves
 * them, the others they chose still counting; a new one they could not choose, they count against.
 */
export function multipleEarlierAnswerChanges(before: MultipleTask, after: MultipleTask): FieldError[] {
  const gone = valuesGone(before.answers, after.answers);
  const earlier = new Set(before.answers.map((answer) => answer.value));
  return [
    ...(gone.length ? [{ pointer: '', message: `no longer offers ${quoted(gone)}: answers that chose ${gone.length === 1 ? 'it' : 'them'} count in the consensus for the other answers they chose, and against the rest` }] : []),
    ...after.answers.flatMap((answer, index) =>
      earlier.has(answer.value) ? [] : [{ pointer: `/answers/${index}`, message: `is new: answers given so far could not choose "${answer.value}", and count against it in the consensus` }],
    ),
  ];
}
