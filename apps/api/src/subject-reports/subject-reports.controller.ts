import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { reportedSubjectPageSchema, reportsDismissedSchema, subjectReportSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { type ReportedPageQuery, type ReportsDismissal, type SubjectReportInput, reportedPageQuerySchema, reportsDismissalSchema, subjectReportInputSchema } from './dto/subject-report.dto';
import { SubjectReportsService } from './subject-reports.service';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_MODERATORS } from '../workflows/workflows.service';

@ApiTags('subject-reports')
@ApiBearerAuth()
@Controller('workflows/:id')
export class SubjectReportsController {
  constructor(private readonly reports: SubjectReportsService) {}

  @Post('subject-reports')
  @ApiOperation({
    summary: 'Reports a subject the caller was served and cannot classify as it is (an image that does not load, sensitive content), with a reason and an optional note.',
    description: 'The caller (an account or a guest); their hold on the subject ends, so it goes to others at once; reporting it again while the first report is open gives that report the new reason and note, the volunteer’s latest words (200; its `reportedAt` moves; sent again as it was, it changes nothing), and once a moderator dismissed it opens it again with them (201); made again as a moderator dismisses it, one or the other, never an error. The workflow’s moderators and researchers see reports at GET /workflows/:id/reported-subjects and in the subject-reports download. 422 `urn:chorus:problem:validation-failed` naming a bad field.',
  })
  @ApiZodBody(subjectReportInputSchema, 'A subject the caller was served and cannot classify as it is, why, and an optional note; their hold on it ends.')
  @ApiZodResponse(subjectReportSchema, {
    status: 201,
    description: 'Stored, and the caller’s hold on the subject ended (it goes to others at once)',
    also: { status: 200, description: 'The caller had reported the subject already, and it is still open: that report, with this reason and note' },
  })
  async reportSubject(
    @Param('id', uuidParam('id')) workflowId: string,
    @Body(new ZodPipe(subjectReportInputSchema)) input: SubjectReportInput,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { replayed, ...report } = await this.reports.report(workflowId, input, user);
    void reply.status(replayed ? 200 : 201);
    return report;
  }

  @Get('reported-subjects')
  @ApiOperation({
    summary: 'Lists the subjects volunteers reported in a workflow, a page at a time, with the reports’ reasons and notes (the workflow’s moderators and researchers).',
    description: 'The most recently first reported first; a later report does not move a subject, so each is listed once. `status`: `open` (the default), the subjects still to handle, with a report nobody dismissed and not retired; `handled`, the others (taken down, or every report dismissed); `all`. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after` for the next page. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_MODERATORS)
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: ['open', 'handled', 'all'], default: 'open' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(reportedSubjectPageSchema, {
    description:
      'The subjects volunteers reported, the most recently first reported first (a later report does not move a subject, so the pages list each once), with the reports’ reasons and latest notes (moderators and researchers)',
  })
  listReportedSubjects(@Param('id', uuidParam('id')) workflowId: string, @Query(new ZodPipe(reportedPageQuerySchema, '/query')) query: ReportedPageQuery, @CurrentUser() user: AuthUser) {
    return this.reports.reportedSubjects(workflowId, query, user);
  }

  @Post('reported-subjects/:subjectId/dismissal')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dismisses the open reports of a subject: handled, the subject stays served (the workflow’s moderators and researchers).',
    description:
      'Body: `{ note? }` (up to 500 characters). Kept with who and when, in the list (`dismissal`) and the subject-reports download; the subject leaves the open list until a volunteer reports it again. Reports dismissed already keep their dismissal, so a retry answers `dismissed: 0`. 404 for a subject nobody reported in the workflow; anyone else gets 403 (404 when the workflow is not public to them).',
  })
  @AccessFirst(WORKFLOW_MODERATORS)
  @ApiZodBody(reportsDismissalSchema, 'An optional note: why the reports need nothing done.')
  @ApiZodResponse(reportsDismissedSchema, { description: 'How many open reports it dismissed (0 when none was open)' })
  dismissReports(
    @Param('id', uuidParam('id')) workflowId: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @Body(new ZodPipe(reportsDismissalSchema)) input: ReportsDismissal,
    @CurrentUser() user: AuthUser,
  ) {
    return this.reports.dismiss(workflowId, subjectId, input, user);
  }
}
