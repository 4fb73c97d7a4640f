import { COMMENT_REPORT_REASONS } from '@chorus/client';
import { z } from 'zod';
import { reportNoteSchema } from '../../subject-reports/dto/subject-report.dto';

/** A volunteer's report of a comment to its project's moderators: why (one of a fixed set), and an optional note. */
export const commentReportInputSchema = z.strictObject({
  reason: z.enum(COMMENT_REPORT_REASONS, `must be one of ${COMMENT_REPORT_REASONS.join(', ')}`),
  note: reportNoteSchema,
});
export type CommentReportInput = z.infer<typeof commentReportInputSchema>;
