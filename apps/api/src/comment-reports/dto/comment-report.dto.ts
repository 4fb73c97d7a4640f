import { COMMENT_REPORT_REASONS, REPORTED_SUBJECT_STATUSES, SUBJECT_REPORT_LIMITS } from '@chorus/client';
import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema, timeCursorPattern } from '../../common/zod';

/** A volunteer's report of a comment to its project's moderators: why (one of a fixed set), and an optional note. */
export const commentReportInputSchema = z.strictObject({
  reason: z.enum(COMMENT_REPORT_REASONS, `must be one of ${COMMENT_REPORT_REASONS.join(', ')}`),
  note: z
    .string('must be text: what the moderators should know')
    .trim()
    .max(SUBJECT_REPORT_LIMITS.noteLength, `must be at most ${SUBJECT_REPORT_LIMITS.noteLength} characters`)
    // An empty note is no note.
    .transform((note) => note || undefined)
    .optional(),
});
export type CommentReportInput = z.infer<typeof commentReportInputSchema>;

/** Where a page of reported comments starts: after the comment first reported at this time (the `next` of the page before). */
const CURSOR = timeCursorPattern();
/** A cursor from a comment's first report time, to the microsecond as Postgres keeps it, and its id (which breaks ties). */
export const reportedCommentCursor = (firstReportedAt: string, commentId: string) => `${firstReportedAt}_${commentId}`;

/** The query of `GET /projects/:id/reported-comments`: the statuses are the reported subjects' own. */
export const reportedCommentsQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  status: z.enum(REPORTED_SUBJECT_STATUSES, `must be one of ${REPORTED_SUBJECT_STATUSES.join(', ')}`).default('open'),
  after: pageCursorSchema(CURSOR, ([firstReportedAt, commentId]) => ({ firstReportedAt: firstReportedAt!, commentId: commentId! })),
});
export type ReportedCommentsQuery = z.infer<typeof reportedCommentsQuerySchema>;
