import { z } from 'zod';
import type { Annotation } from '../annotations';
import { baseTaskFields, choiceSchema, labelSchema, taskKeySchema, uniqueValues } from '../common';
import type { FieldError } from '../pointer';
import type { SubjectLocation, TextLocation } from '../subject';

export const closeReadingTaskSchema = z.strictObject({
  type: z.literal('close-reading'),
  question: labelSchema,
  ...baseTaskFields,
  senses: z.array(choiceSchema).min(1).max(50).superRefine(uniqueValues),
  allowUnsure: z.boolean().default(false),
  /** Whether the volunteer marks the words that support their reading. */
  evidence: z.enum(['none', 'optional', 'required']).default('none'),
  next: taskKeySchema.optional(),
});
export type CloseReadingTask = z.infer<typeof closeReadingTaskSchema>;

const spanSchema = z
  .tuple([z.int().min(0), z.int().min(1)])
  .refine(([start, end]) => end > start, 'a span is [start, end) with end after start');

/** `sense` is one of the senses; `unsure` marks a volunteer who could not decide; `evidence` are character spans. */
export function closeReadingAnnotationSchema(task: CloseReadingTask) {
  const values = task.senses.map((sense) => sense.value) as [string, ...string[]];
  return z
    .strictObject({
      sense: z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(', ')}${task.allowUnsure ? ', or null with "unsure": true' : ''}` }).nullable(),
      unsure: z.boolean().optional(),
      evidence: z.array(spanSchema).max(200).optional(),
    })
    .superRefine((value, ctx) => {
      if (value.unsure && !task.allowUnsure) ctx.addIssue({ code: 'custom', path: ['unsure'], message: 'this task does not allow "unsure"' });
      if (value.sense === null && !value.unsure) ctx.addIssue({ code: 'custom', path: ['sense'], message: 'choose a sense, or mark the answer unsure' });
      if (task.evidence === 'none' && value.evidence?.length) ctx.addIssue({ code: 'custom', path: ['evidence'], message: 'this task does not take evidence' });
      if (task.evidence === 'required' && !value.unsure && !value.evidence?.length) {
        ctx.addIssue({ code: 'custom', path: ['evidence'], message: 'mark at least one evidence span' });
      }
    });
}
export type CloseReadingAnnotation = { sense: string | null; unsure?: boolean; evidence?: [number, number][] };


/** The text a close reading is about: the subject's first text location. Evidence offsets refer to it. */
export function closeReadingPassage(locations: readonly SubjectLocation[]): TextLocation | undefined {
  return locations.find((location): location is TextLocation => location.type === 'text');
}

/**
 * Evidence spans of close-reading answers that reach beyond the passage they mark (or mark a subject without one),
 * each by the pointer of its span under `base`, the annotations' pointer.
 */
export function evidenceBeyondPassage(annotations: readonly Annotation[], locations: readonly SubjectLocation[], base: string): FieldError[] {
  const passage = closeReadingPassage(locations);
  const length = passage?.text.length ?? 0;
  const beyond = (end: number) =>
    passage
      ? `ends at character ${end}, beyond the subject's text (${length} characters): spans are offsets into its first text location, in UTF-16 code units`
      : 'marks text, but this subject has none (no text location): leave evidence out';
  return annotations.flatMap((annotation, index) => {
    const evidence = (annotation.value as Partial<CloseReadingAnnotation> | null)?.evidence ?? [];
    return evidence.flatMap(([, end], span) => (end <= length ? [] : [{ pointer: `${base}/${index}/value/evidence/${span}`, message: beyond(end) }]));
  });
}
