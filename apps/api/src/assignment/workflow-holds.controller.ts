import { Controller, Delete, HttpCode, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { workflowHoldsEndedSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { AssignmentService } from './assignment.service';
import { type WorkflowHoldsQuery, workflowHoldsQuerySchema } from './dto/assignment.dto';

@ApiTags('assignment')
@ApiBearerAuth()
@Controller('workflows/:id/holds')
export class WorkflowHoldsController {
  constructor(private readonly assignment: AssignmentService) {}

  @Delete()
  @HttpCode(200)
  @ApiOperation({
    summary: "End every volunteer's outstanding hold in the workflow (researchers only): a question fixed, a project paused, its subjects go back to the pool at once.",
    description:
      'Volunteers who still show a released subject may still answer it (an answer is always stored, flagged `afterRetirement` if the subject retired meanwhile); renewing its hold (`POST /workflows/:id/queue/holds`) no longer lists it in `held`. A second call ends none.',
  })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'The `asOf` of `GET /workflows/:id/stats` whose `held` the researcher was shown: only the holds taken by then end, none taken since',
    schema: { type: 'string', format: 'date-time' },
  })
  @ApiZodResponse(workflowHoldsEndedSchema, { description: 'How many holds ended, and of how many subjects' })
  releaseAllHolds(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query(new ZodPipe(workflowHoldsQuerySchema, '/query')) { asOf }: WorkflowHoldsQuery,
    @CurrentUser() user: AuthUser,
  ) {
    return this.assignment.releaseAll(workflowId, user, asOf ?? null);
  }
}
