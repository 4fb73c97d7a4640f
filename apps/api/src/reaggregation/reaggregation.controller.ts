import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @HttpCode(202)
  @ApiZodBody(reaggregationRequestSchema, 'Recompute consensus (and retirement of unretired subjects) for the whole workflow; follow it by the returned `runId` (the job number `id` starts again at 1 once Redis loses its keys).')
  @ApiZodResponse(reaggregationRunSchema, { status: 202, description: 'The run, started or already under way' })
  reaggregateWorkflow(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(reaggregationRequestSchema)) request: ReaggregationRequest, @CurrentUser() user: AuthUser) {
    return this.reaggregation.start(workflowId, request, user);
  }

  @Get('reaggregations')
  @ApiZodResponse(reaggregationListSchema, {
    description:
      "The workflow's re-aggregations, newest first, waiting, running or ended: the last 100 researchers asked for, and the last 100 Chorus started itself (`requestedBy` null), kept apart so that Chorus's never push a researcher's out (researchers only)",
  })
  listReaggregations(@Param('id', uuidParam('id')) workflowId: string, @CurrentUser() user: AuthUser) {
    return this.reaggregation.list(workflowId, user);
  }

  @Get('reaggregations/:run')
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @ApiZodResponse(reaggregationRunOrRecordSchema, {
    description:
      "By a run's own id (the `runId` a request answered, or a listed run's `id`): its record, as the list gives it (`lost` when the queue lost it before it started). By a job id (the `id` a request answered): the run as the queue has it, while that number names this run only (410 job-number-reused once Redis, having lost its jobs, numbered another run with it)",
  })
  getReaggregation(@Param('id', uuidParam('id')) workflowId: string, @Param('run', runParam) run: string, @CurrentUser() user: AuthUser) {
    return this.reaggregation.get(workflowId, run, user);
  }
}
