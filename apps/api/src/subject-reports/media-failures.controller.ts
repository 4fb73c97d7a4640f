import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { mediaFailureSchema, workflowMediaFailuresSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { type MediaFailureInput, type MediaFailuresQuery, mediaFailureInputSchema, mediaFailuresQuerySchema } from './dto/media-failure.dto';
import { MediaFailuresService } from './media-failures.service';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_RESEARCHERS } from '../workflows/workflows.service';

@ApiTags('subject-reports')
@ApiBearerAuth()
@Controller('workflows/:id')
export class MediaFailuresController {
  constructor(private readonly failures: MediaFailuresService) {}

  @Post('media-failures')
  @ApiOperation({
    summary: 'Says that the caller’s browser could not load one of the images or recordings of a subject of the workflow (the classifier does, by itself, without the volunteer doing anything).',
    description:
      'Counted once per volunteer, subject and location: said again, it counts nothing more and answers the first (200). Unlike a report, the caller’s hold on the subject stays. The workflow’s researchers see the counts at GET /workflows/:id/media-failures. Refused as the queue refuses: 404 when the workflow is not open to the caller, 409 `urn:chorus:problem:workflow-not-active` when it or its project is paused or it is not active (members may still try it); 422 `urn:chorus:problem:validation-failed` naming a bad field (a subject not in the workflow, a location that is not one of its images or recordings).',
  })
  @ApiZodBody(mediaFailureInputSchema, 'A subject of the workflow and which of its locations (numbered from 1) the caller’s browser could not load.')
  @ApiZodResponse(mediaFailureSchema, {
    status: 201,
    description: 'Counted',
    also: { status: 200, description: 'The caller’s browser had failed to load it already: the first failure, counted once' },
  })
  async mediaFailed(
    @Param('id', uuidParam('id')) workflowId: string,
    @Body(new ZodPipe(mediaFailureInputSchema)) input: MediaFailureInput,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { replayed, ...failure } = await this.failures.failed(workflowId, input, user);
    void reply.status(replayed ? 200 : 201);
    return failure;
  }

  @Get('media-failures')
  @ApiOperation({
    summary: 'What volunteers’ browsers could not load in the workflow: how many subjects, failed loads and when the last was, and the subjects with their addresses, a page at a time (the workflow’s researchers).',
    description:
      'Only the failures at the address each subject has now, since researchers last corrected its locations (PATCH /subjects/:id clears a subject’s count). The subjects are listed the most recently first failed first; a later failure does not move a subject, so each is listed once; the counts are of all. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after` for the next page (422 `urn:chorus:problem:validation-failed` naming a bad one). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(workflowMediaFailuresSchema, { description: 'The failed loads counted, and a page of the subjects whose media failed, the most recently first failed first' })
  workflowMediaFailures(@Param('id', uuidParam('id')) workflowId: string, @Query(new ZodPipe(mediaFailuresQuerySchema, '/query')) query: MediaFailuresQuery, @CurrentUser() user: AuthUser) {
    return this.failures.ofWorkflow(workflowId, query, user);
  }
}
