import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ownActivitySchema, projectActivitySchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { ActivityService } from './activity.service';
import { type ActivityQuery, activityQuerySchema, FIRST_DAY, MOST_DAYS, type OwnActivityQuery, ownActivityQuerySchema } from './dto/activity.dto';

/** What both activities refuse, named. */
const REFUSALS = `422 naming the field for a date not YYYY-MM-DD or before ${FIRST_DAY}, \`from\` after \`to\` or more than ${MOST_DAYS} days before it, a \`timeZone\` unknown (to Node or to Postgres)`;

@ApiTags('projects')
@ApiBearerAuth()
@Controller()
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get('projects/:id/activity')
  @ApiOperation({
    summary: 'A project’s classifications, volunteers, new volunteers and retirements per day (no token needed for a public project).',
    description: `One row per day from \`from\` to \`to\` (default: the last 30 days up to today), days with nothing as zeros, in the IANA time zone \`timeZone\` (default UTC), with totals; \`workflowId\` for one workflow of the project. As the workflow stats count them: the team’s tries while a workflow was a draft left out, guests counted as volunteers; a volunteer is new on the day of their first classification in the project (or the workflow). Refusals: ${REFUSALS}. A project not public (a draft, or taken down), or a draft workflow, is its members’ only: anyone else gets 404.`,
  })
  @Public()
  @ApiZodResponse(projectActivitySchema)
  getActivity(@Param('id', uuidParam('id')) projectId: string, @Query(new ZodPipe(activityQuerySchema, '/query')) query: ActivityQuery, @OptionalUser() user?: AuthUser) {
    return this.activity.activity(projectId, query, user);
  }
}

@ApiTags('account')
@ApiBearerAuth()
@Controller('account')
export class OwnActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get('activity')
  @ApiOperation({
    summary: 'The caller’s own classifications per day, in every project or one.',
    description: `Any bearer token, an account’s or a guest’s (as GET /account/contribution: a guest’s own). One row per day from \`from\` to \`to\` (default: the last 30 days up to today), days with nothing as zeros, in the IANA time zone \`timeZone\` (default UTC), with the total; \`projectId\` for one project. Every classification the caller made counts, those a sign-in carried in from a guest too; nobody else’s. Refusals: ${REFUSALS}, a \`projectId\` not a UUID. 401 without a valid token.`,
  })
  @ApiZodResponse(ownActivitySchema, { description: 'The caller’s classifications per day, and their total' })
  getOwnActivity(@Query(new ZodPipe(ownActivityQuerySchema, '/query')) query: OwnActivityQuery, @CurrentUser() user: AuthUser) {
    return this.activity.own(query, user);
  }
}
