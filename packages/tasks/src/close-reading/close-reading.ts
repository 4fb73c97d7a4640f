import { z } from 'zod';
import type { Annotation } from '../annotations';
import { baseTaskFields, choiceSchema, labelSchema, taskKeySchema, uniqueValues } from '../common';
import type { FieldError } from '../pointer';
import { type SubjectLocation, type TextLocation, subjectText } from '../subject';
import type { WorkflowDefinition } from '../workflow';

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
      // Evidence required is checked against the subject (`evidenceMissing`): a subject without text has none to mark.
    });
}
export type CloseReadingAnnotation = { sense: string | null; unsure?: boolean; evidence?: [number, number][] };

/** A close reading's value as consensus reads it, whatever the task allows new answers (unsure, evidence, how much). */
const earlierCloseReadingSchema = z.strictObject({ sense: z.string().nullable(), unsure: z.boolean().optional(), evidence: z.array(spanSchema).optional() });

/**
 * An answer given under an earlier version, as this one reads it: a sense the task still offers, or unsure (consensus
 * counts unsure answers apart, also once `allowUnsure` is off, and not for the sense they tried, which this leaves out
 * when the task no longer offers it), with its evidence (`evidence` is for new answers).
 */
export function closeReadingEarlierAnswer(task: CloseReadingTask, value: unknown): CloseReadingAnnotation | undefined {
  const parsed = earlierCloseReadingSchema.safeParse(value);
  if (!parsed.success || (parsed.data.sense === null && !parsed.data.unsure)) return undefined;
  if (parsed.data.sense === null || task.senses.some((sense) => sense.value === parsed.data.sense)) return value as CloseReadingAnnotation;
  return parsed.data.unsure ? { ...(value as CloseReadingAnnotation), sense: null } : undefined;
}


/** The text a close reading is about: the subject's first text location. Evidence offsets refer to it. */
export const closeReadingPassage: (locations: readonly SubjectLocation[]) => TextLocation | undefined = subjectText;

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

/** An answer to a close reading whose task requires evidence, marking none (nor unsure). */
function lacksRequiredEvidence(definition: WorkflowDefinition, annotation: Annotation): boolean {
  const task = definition.tasks[annotation.task];
  const value = annotation.value as Partial<CloseReadingAnnotation> | null;
  return task?.type === 'close-reading' && task.evidence === 'required' && !value?.unsure && !value?.evidence?.length;
}

/**
 * Close-reading answers that mark no evidence where their task requires it, each by the pointer of its evidence under
 * `base`, the annotations' pointer. Evidence can be required only where the subject has text to mark: on a subject
 * without (an image alone) a sense is answer enough.
 */
export function evidenceMissing(definition: WorkflowDefinition, annotations: readonly Annotation[], locations: readonly SubjectLocation[], base: string): FieldError[] {
  if (!closeReadingPassage(locations)) return [];
  return annotations.flatMap((annotation, index) =>
    lacksRequiredEvidence(definition, annotation) ? [{ pointer: `${base}/${index}/value/evidence`, message: 'mark at least one evidence span' }] : [],
  );
}

/** Whether the subject's text must be read to check these answers: one marks evidence, or lacks evidence its task requires. */
export const evidenceToCheck = (definition: WorkflowDefinition, annotations: readonly Annotation[]): boolean =>
  annotations.some((annotation) => !!(annotation.value as Partial<CloseReadingAnnotation> | null)?.evidence?.length || lacksRequiredEvidence(definition, annotation));

/** A known answer as researchers may write it: the whole value, or its sense alone. */
export const closeReadingKnownAnswer = (known: unknown): unknown => (typeof known === 'string' ? { sense: known } : known);

/** Whether the volunteer chose the known sense (evidence and certainty aside). */
export function sameSense(given: unknown, known: unknown): boolean {
  const senseOf = (value: unknown) => (value as { sense?: unknown } | null)?.sense;
  return senseOf(given) !== undefined && senseOf(given) === senseOf(known);
}
