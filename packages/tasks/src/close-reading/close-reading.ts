import { z } from 'zod';
import { baseTaskFields, choiceSchema, labelSchema, taskKeySchema, uniqueValues } from '../common';

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
