import { subjectInputSchema } from '@chorus/tasks';
import { z } from 'zod';

export const MAX_SUBJECTS_PER_CALL = 10_000;

export const createSubjectSetSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export type CreateSubjectSetInput = z.infer<typeof createSubjectSetSchema>;

export const addSubjectsSchema = z.strictObject({
  subjects: z
    .array(subjectInputSchema)
    .min(1, 'send at least one subject')
    .max(MAX_SUBJECTS_PER_CALL, `send at most ${MAX_SUBJECTS_PER_CALL} subjects per call, in several calls`)
    .superRefine((subjects, ctx) => {
      const seen = new Map<string, number>();
      subjects.forEach((subject, index) => {
        if (subject.externalId === undefined) return;
        const first = seen.get(subject.externalId);
        if (first !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'externalId'], message: `repeats subject ${first}'s externalId "${subject.externalId}"` });
        else seen.set(subject.externalId, index);
      });
    }),
});
export type AddSubjectsInput = z.infer<typeof addSubjectsSchema>;
