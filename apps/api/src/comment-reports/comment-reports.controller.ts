import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { commentReportSchema, reportedCommentPageSchema, reportsDismissedSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_MODERATORS } from '../projects/project-access';
import { COMMENT_MODERATORS } from '../discussions/discussions.service';
import { type ReportedPageQuery, type ReportsDismissal, reportedPageQuerySchema, reportsDismissalSchema } from '../subject-reports/dto/subject-report.dto';
import { CommentReportsService } from './comment-reports.service';
import { type CommentReportInput, commentReportInputSchema } from './dto/comment-report.dto';

@ApiTags('discussions')
@ApiBearerAuth()
@Controller()
export class CommentReportsController {
  constructor(private readonly reports: CommentReportsService) {}

  @Post('comments/:id/reports')
  @ApiOperation({
    summary: 'Reports a comment to its project’s moderators (spam, abuse, personal data…), with a reason and an optional note (volunteers with an account).',
    description:
      'Body: `{ reason, note? }` (note up to 1,000 characters). Reporting it again while the first report is open gives that report the new reason and note, the volunteer’s latest words (200; its `reportedAt` moves; sent again as it was, it changes nothing); once a moderator dismissed it, reporting it again opens it again with the new reason and note (201), and the comment is in the open list again; made again as a moderator dismisses it, one or the other, never an error. The project’s moderators and researchers see it at GET /projects/:id/reported-comments, its reporter named by a pseudonym. Its author gets 409 `urn:chorus:problem:own-comment` (edit or delete it instead); a guest 403 `urn:chorus:problem:account-required`; a comment hidden from volunteers (handled already: 404 to its team too), deleted, or in a project not public to the caller, 404. 422 `urn:chorus:problem:validation-failed` naming a bad field.',
  })
  @ApiZodBody(commentReportInputSchema, 'Why the comment should be looked at, and an optional note for the moderators.')
  @ApiZodResponse(commentReportSchema, {
    status: 201,
    description: 'Stored, for the project’s moderators and researchers (or the caller’s dismissed report, opened again)',
    also: { status: 200, description: 'The caller had reported the comment already, and it is still open: that report, with this reason and note' },
  })
  async reportComment(
    @Param('id', uuidParam('id')) commentId: string,
    @Body(new ZodPipe(commentReportInputSchema)) input: CommentReportInput,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { replayed, ...report } = await this.reports.report(commentId, input, user);
    void reply.status(replayed ? 200 : 201);
    return report;
  }

  @Get('projects/:id/reported-comments')
  @ApiOperation({
    summary: 'Lists the comments volunteers reported in a project, a page at a time, with the reports’ reasons and notes (the project’s moderators and researchers).',
    description:
      'Each with its body, author, subject (id and name) and whether it is hidden; the most recently first reported first (a later report does not move a comment, so each is listed once). `status`: `open` (the default), the comments still to handle, shown with a report nobody dismissed; `handled`, the others (hidden with PUT /comments/:id/hidden, or every report dismissed); `all`. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after`. Anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(PROJECT_MODERATORS)
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: ['open', 'handled', 'all'], default: 'open' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(reportedCommentPageSchema, { description: 'The comments volunteers reported, the most recently first reported first, with the reports’ reasons and latest notes (moderators and researchers)' })
  listReportedComments(@Param('id', uuidParam('id')) projectId: string, @Query(new ZodPipe(reportedPageQuerySchema, '/query')) query: ReportedPageQuery, @CurrentUser() user: AuthUser) {
    return this.reports.reportedComments(projectId, query, user);
  }

  @Post('comments/:id/reports/dismissal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dismisses the open reports of a comment: handled, the comment stays shown (the project’s moderators and researchers).',
    description:
      'Body: `{ note? }` (up to 500 characters), kept with who and when (`dismissal` in the list); the comment leaves the open list until a volunteer reports it again. Reports dismissed already keep their dismissal, so a retry answers `dismissed: 0`. 404 for a comment nobody reported; anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(COMMENT_MODERATORS)
  @ApiZodBody(reportsDismissalSchema, 'An optional note: why the reports need nothing done.')
  @ApiZodResponse(reportsDismissedSchema, { description: 'How many open reports it dismissed (0 when none was open)' })
  dismissCommentReports(@Param('id', uuidParam('id')) commentId: string, @Body(new ZodPipe(reportsDismissalSchema)) input: ReportsDismissal, @CurrentUser() user: AuthUser) {
    return this.reports.dismiss(commentId, input, user);
  }
}
