import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { reaggregationListSchema, reaggregationRunOrRecordSchema, reaggregationRunSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type ReaggregationRequest, reaggregationRequestSchema, runParam } from './dto/reaggregation.dto';
import { ReaggregationService } from './reaggregation.service';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_RESEARCHERS } from '../workflows/workflows.service';

@ApiTags('reaggregation')
@ApiBearerAuth()
@Controller('workflows/:id')
export class ReaggregationController {
  constructor(private readonly reaggregation: ReaggregationService) {}

  @Post('reaggregate')
  @ApiOperation({
    summary: 'Recomputes a workflow’s consensus, and the retirement of its unretired subjects, from its classifications (the workflow’s researchers).',
    description: 'Body: `{ "scope": "all" }` (every classified subject, the default) or `"unretired"`. Runs in the worker; follow it by the answer’s `runId` (GET /workflows/:id/reaggregations/:run). Asked again while one is under way: that run. The subjects whose consensus changed come again in `since=` consensus downloads. 503 `urn:chorus:problem:service-unavailable` when the job queue (Redis) is away (a whole-workflow run then starts by itself once it is back). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @HttpCode(202)
  @ApiZodBody(reaggregationRequestSchema, 'Recompute consensus (and retirement of unretired subjects) for the whole workflow; follow it by the returned `runId` (the job number `id` starts again at 1 once Redis loses its keys).')
  @ApiZodResponse(reaggregationRunSchema, { status: 202, description: 'The run, started or already under way' })
  reaggregateWorkflow(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(reaggregationRequestSchema)) request: ReaggregationRequest, @CurrentUser() user: AuthUser) {
    return this.reaggregation.start(workflowId, request, user);
  }

  @Get('reaggregations')
  @ApiOperation({
    summary: 'Lists a workflow’s re-aggregations, newest first, waiting, running or ended (the workflow’s researchers).',
    description: 'The last 100 researchers asked for and the last 100 Chorus started itself (`requestedBy` null), kept apart. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @ApiZodResponse(reaggregationListSchema, {
    description:
      "The workflow's re-aggregations, newest first, waiting, running or ended: the last 100 researchers asked for, and the last 100 Chorus started itself (`requestedBy` null), kept apart so that Chorus's never push a researcher's out (researchers only)",
  })
  listReaggregations(@Param('id', uuidParam('id')) workflowId: string, @CurrentUser() user: AuthUser) {
    return this.reaggregation.list(workflowId, user);
  }

  @Get('reaggregations/:run')
  @ApiOperation({
    summary: 'Reads one re-aggregation, by its run id or its job id (the workflow’s researchers).',
    description: '404 (at `/params/run`) for no such run of the workflow; 410 `urn:chorus:problem:job-number-reused` for a job id Redis has since given to another run (follow runs by `runId`). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @ApiZodResponse(reaggregationRunOrRecordSchema, {
    description:
      "By a run's own id (the `runId` a request answered, or a listed run's `id`): its record, as the list gives it (`lost` when the queue lost it before it started). By a job id (the `id` a request answered): the run as the queue has it, while that number names this run only (410 job-number-reused once Redis, having lost its jobs, numbered another run with it)",
  })
  getReaggregation(@Param('id', uuidParam('id')) workflowId: string, @Param('run', runParam) run: string, @CurrentUser() user: AuthUser) {
    return this.reaggregation.get(workflowId, run, user);
  }
}
