import { REPORTED_SUBJECT_STATUSES, SUBJECT_REPORT_LIMITS, SUBJECT_REPORT_REASONS } from '@chorus/client';
import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema, timeCursorPattern } from '../../common/zod';

/** A volunteer's report of a subject of the workflow (the one they were shown): why (one of a fixed set), and an optional note. */
export const subjectReportInputSchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject of the workflow'),
  reason: z.enum(SUBJECT_REPORT_REASONS, `must be one of ${SUBJECT_REPORT_REASONS.join(', ')}`),
  note: z
    .string()
    .trim()
    .max(SUBJECT_REPORT_LIMITS.noteLength, `must be at most ${SUBJECT_REPORT_LIMITS.noteLength} characters`)
    // An empty note is no note.
    .transform((note) => note || undefined)
    .optional(),
});
export type SubjectReportInput = z.infer<typeof subjectReportInputSchema>;

/** Where a page of reported subjects starts: after the subject first reported at this time (the `next` of the page before). */
const CURSOR = timeCursorPattern();
/** A cursor from a subject's first report time, to the microsecond as Postgres keeps it, and its id (which breaks ties). */
export const reportedSubjectCursor = (firstReportedAt: string, subjectId: string) => `${firstReportedAt}_${subjectId}`;

/** The query of `GET /workflows/:id/reported-subjects`. */
export const reportedSubjectsQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  status: z.enum(REPORTED_SUBJECT_STATUSES, `must be one of ${REPORTED_SUBJECT_STATUSES.join(', ')}`).default('open'),
  after: pageCursorSchema(CURSOR, ([firstReportedAt, subjectId]) => ({ firstReportedAt: firstReportedAt!, subjectId: subjectId! })),
});
export type ReportedSubjectsQuery = z.infer<typeof reportedSubjectsQuerySchema>;

/** A moderator's or researcher's dismissal of a subject's open reports (handled: it stays served), with an optional note. */
export const reportsDismissalSchema = z.strictObject({
  note: z
    .string('must be text: why the reports need nothing done')
    .trim()
    .max(SUBJECT_REPORT_LIMITS.dismissalNoteLength, `must be at most ${SUBJECT_REPORT_LIMITS.dismissalNoteLength} characters`)
    // An empty note is no note.
    .transform((note) => note || undefined)
    .optional(),
});
export type ReportsDismissal = z.infer<typeof reportsDismissalSchema>;
