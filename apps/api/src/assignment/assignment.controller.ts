import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { queueViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { z } from 'zod';
import { ApiZodResponse, pageLimitSchema, uuidParam, ZodPipe } from '../common/zod';
import { AssignmentService } from './assignment.service';

const limitSchema = pageLimitSchema(50, 10);
const holdSchema = z.coerce.number().int('must be a whole number of seconds').min(60, 'must be at least 60 seconds').max(86_400, 'must be at most 86400 seconds (a day)').optional();
const renewSchema = z
  .string()
  .transform((ids) => ids.split(','))
  .pipe(z.array(z.uuid('must be subject ids separated by commas')).max(100, 'must name at most 100 subjects'))
  .optional();
/** The whole query, so that one answer names every parameter at fault (others are ignored, as before). */
const queueQuerySchema = z.object({ limit: limitSchema, hold: holdSchema, renew: renewSchema });

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
    description: "Subject ids, separated by commas (at most 100): those the caller still holds in this workflow are held for the assignment lifetime again (a page whose volunteer is at work names the subjects it shows)",
    schema: { type: 'string' },
  })
  @ApiZodResponse(queueViewSchema, { description: 'The next subjects, each an outstanding assignment of the caller' })
  getQueue(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query(new ZodPipe(queueQuerySchema, '/query')) { limit, hold, renew }: z.infer<typeof queueQuerySchema>,
    @CurrentUser() user: AuthUser,
  ) {
    return this.assignment.queue(workflowId, user, limit, { hold, renew });
  }
}
