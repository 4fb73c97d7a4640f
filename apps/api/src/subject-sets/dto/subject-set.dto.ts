import { SUBJECT_UPLOAD_LIMITS } from '@chorus/client';
import { repeatedExternalIds, singleLine, subjectInputSchema } from '@chorus/tasks';
import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema } from '../../common/zod';

export const MAX_SUBJECTS_PER_CALL = SUBJECT_UPLOAD_LIMITS.subjects;

export const createSubjectSetSchema = z.strictObject({ name: singleLine(z.string().trim().min(1).max(200)) });
export type CreateSubjectSetInput = z.infer<typeof createSubjectSetSchema>;

/** Where a page of a set's subjects starts: after the subject at this place in the set (the `next` of the page before). */
const SUBJECT_CURSOR = /^(\d{1,18})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const subjectCursor = (position: string, subjectId: string) => `${position}_${subjectId}`;

/** The query of `GET /subject-sets/:id/subjects`. */
export const subjectPageQuerySchema = z.strictObject({
  limit: pageLimitSchema(1000, 100),
  after: pageCursorSchema(SUBJECT_CURSOR, ([position, subjectId]) => ({ position: position!, subjectId: subjectId! })),
});
export type SubjectPageQuery = z.infer<typeof subjectPageQuerySchema>;

export const addSubjectsSchema = z.strictObject({
  subjects: z
    .array(subjectInputSchema)
    .min(1, 'send at least one subject')
    .max(MAX_SUBJECTS_PER_CALL, `send at most ${MAX_SUBJECTS_PER_CALL} subjects per call, in several calls`)
    .superRefine((subjects, ctx) => {
      for (const { index, message } of repeatedExternalIds(subjects, (first) => `subject ${first}`)) ctx.addIssue({ code: 'custom', path: [index, 'externalId'], message });
    }),
});
export type AddSubjectsInput = z.infer<typeof addSubjectsSchema>;
