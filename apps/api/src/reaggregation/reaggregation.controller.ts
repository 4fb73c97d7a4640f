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
  @ApiZodBody(reaggregationRequestSchema, 'Recompute consensus (and retirement of unretired subjects) for the whole workflow; follow it at the returned id.')
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
    description: "By a job id (the `id` a request answered): the run as the queue has it. By a run's own `id` (from the list): its record, as the list gives it",
  })
  getReaggregation(@Param('id', uuidParam('id')) workflowId: string, @Param('run', runParam) run: string, @CurrentUser() user: AuthUser) {
    return this.reaggregation.get(workflowId, run, user);
  }
}
