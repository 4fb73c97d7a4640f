import { z } from 'zod';
import { baseTaskFields, labelSchema, taskKeySchema } from '../common';

export const transcriptionTaskSchema = z.strictObject({
  type: z.literal('transcription'),
  instruction: labelSchema,
  ...baseTaskFields,
  /** `lines`: one editor row per line of the source; `free`: one text area. */
  mode: z.enum(['lines', 'free']).default('lines'),
  /** Text tags the volunteer can wrap around a selection, e.g. `unclear` gives `[unclear]…[/unclear]`. */
  textTags: z.array(z.string().regex(/^[a-z][a-z-]{0,31}$/, 'use lower-case letters and "-"')).max(20).default(['unclear', 'deletion', 'insertion']),
  maxLength: z.int().min(1).max(100_000).default(20_000),
  next: taskKeySchema.optional(),
});
export type TranscriptionTask = z.infer<typeof transcriptionTaskSchema>;

/** The volunteer submits the text, lines separated by `\n`. */
export function transcriptionAnnotationSchema(task: TranscriptionTask) {
  return z.string().max(task.maxLength, `at most ${task.maxLength} characters`);
}
export type TranscriptionAnnotation = string;
