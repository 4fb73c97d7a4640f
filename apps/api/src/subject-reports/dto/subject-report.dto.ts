import { REPORTED_SUBJECT_STATUSES, SUBJECT_REPORT_LIMITS, SUBJECT_REPORT_REASONS } from '@chorus/client';
import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** A volunteer's note with a report (of a subject or a comment), for the moderators: optional, and an empty one is none. */
export const reportNoteSchema = z
  .string('must be text: what the moderators should know')
  .trim()
  .max(SUBJECT_REPORT_LIMITS.noteLength, `must be at most ${SUBJECT_REPORT_LIMITS.noteLength} characters`)
  .transform((note) => note || undefined)
  .optional();

/** A volunteer's report of a subject of the workflow (the one they were shown): why (one of a fixed set), and an optional note. */
export const subjectReportInputSchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject of the workflow'),
  reason: z.enum(SUBJECT_REPORT_REASONS, `must be one of ${SUBJECT_REPORT_REASONS.join(', ')}`),
  note: reportNoteSchema,
});
export type SubjectReportInput = z.infer<typeof subjectReportInputSchema>;

/** The query of a list of reported things (GET /workflows/:id/reported-subjects, GET /projects/:id/reported-comments: a comment's statuses are a subject's): a page (`limit`, `after`: a first report time and an id) of those in `status`. */
export const reportedPageQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  status: z.enum(REPORTED_SUBJECT_STATUSES, `must be one of ${REPORTED_SUBJECT_STATUSES.join(', ')}`).default('open'),
  after: timeCursorSchema,
});
export type ReportedPageQuery = z.infer<typeof reportedPageQuerySchema>;

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
