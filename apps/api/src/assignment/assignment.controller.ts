import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { queueViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { z } from 'zod';
import { ApiZodResponse, pageLimitSchema, uuidParam, ZodPipe } from '../common/zod';
import { AssignmentService } from './assignment.service';

const limitSchema = pageLimitSchema(50, 10);
const holdSchema = z.coerce.number().int('must be a whole number of seconds').min(60, 'must be at least 60 seconds').max(86_400, 'must be at most 86400 seconds (a day)').optional();
const renewSchema = z.enum(['true', 'false'], { error: 'must be true or false' }).optional().transform((value) => value === 'true');

@ApiTags('assignment')
@ApiBearerAuth()
@Controller('workflows/:id/queue')
export class AssignmentController {
  constructor(private readonly assignment: AssignmentService) {}

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } })
  @ApiQuery({
    name: 'hold',
    required: false,
    description: 'Seconds the subjects served stay reserved for the caller (ASSIGNMENT_TTL_SECONDS when left out, and at most that): a page that may only be looked at asks for less.',
    schema: { type: 'integer', minimum: 60, maximum: 86400 },
  })
  @ApiQuery({
    name: 'renew',
    required: false,
    description: "true: the caller's subjects of this workflow still held are held for the assignment lifetime again (a page whose volunteer is at work asks so)",
    schema: { type: 'boolean', default: false },
  })
  @ApiZodResponse(queueViewSchema, { description: 'The next subjects, each an outstanding assignment of the caller' })
  getQueue(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query('limit', new ZodPipe(limitSchema, '/query/limit')) limit: number,
    @Query('hold', new ZodPipe(holdSchema, '/query/hold')) hold: number | undefined,
    @Query('renew', new ZodPipe(renewSchema, '/query/renew')) renew: boolean,
    @CurrentUser() user: AuthUser,
  ) {
    return this.assignment.queue(workflowId, user, limit, { hold, renew });
  }
}
