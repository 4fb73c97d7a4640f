import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { workflowHoldsEndedSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam } from '../common/zod';
import { AssignmentService } from './assignment.service';

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
  @ApiZodResponse(workflowHoldsEndedSchema, { description: 'How many holds ended, and of how many subjects' })
  releaseAllHolds(@Param('id', uuidParam('id')) workflowId: string, @CurrentUser() user: AuthUser) {
    return this.assignment.releaseAll(workflowId, user);
  }
}
