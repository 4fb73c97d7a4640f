import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { queueViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodResponse, pageLimitSchema, uuidParam, ZodPipe } from '../common/zod';
import { AssignmentService } from './assignment.service';

const limitSchema = pageLimitSchema(50, 10);

@ApiTags('assignment')
@ApiBearerAuth()
@Controller('workflows/:id/queue')
export class AssignmentController {
  constructor(private readonly assignment: AssignmentService) {}

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } })
  @ApiZodResponse(queueViewSchema, { description: 'The next subjects, each an outstanding assignment of the caller' })
  getQueue(@Param('id', uuidParam('id')) workflowId: string, @Query('limit', new ZodPipe(limitSchema, '/query/limit')) limit: number, @CurrentUser() user: AuthUser) {
    return this.assignment.queue(workflowId, user, limit);
  }
}
