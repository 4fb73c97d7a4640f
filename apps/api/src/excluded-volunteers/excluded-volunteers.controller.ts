import { Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { excludedVolunteerListSchema, excludedVolunteerSchema, exclusionLiftedSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';
import { type ExclusionInput, exclusionSchema } from './dto/exclusion.dto';
import { ExcludedVolunteersService } from './excluded-volunteers.service';

const WHO = 'Anyone but the project’s researchers gets 403 (404 when the project is not public to them, as a draft is).';

@ApiTags('excluded-volunteers')
@ApiBearerAuth()
@Controller('projects/:id/excluded-volunteers')
export class ExcludedVolunteersController {
  constructor(private readonly excluded: ExcludedVolunteersService) {}

  @Get()
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({
    summary: 'The volunteers whose classifications the project’s consensus leaves out, the most recently excluded first (researchers only).',
    description: `Each with why, when and by whom, and how many classifications they made in the project (kept, flagged \`excluded_volunteer\` in the raw download). ${WHO}`,
  })
  @ApiZodResponse(excludedVolunteerListSchema, { description: 'The project’s excluded volunteers' })
  list(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.excluded.list(projectId, user);
  }

  @Put(':userId')
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({
    summary: 'Keeps a volunteer’s classifications out of the project’s consensus and retirement (researchers only).',
    description:
      'Body: `{ "reason" }` (1 to 500 characters). The volunteer is named by their user_id (the raw download’s, a guest’s too) and must have classified in the project (422 at `/params/userId` otherwise). ' +
      'Their classifications stay stored, flagged `excluded_volunteer` in the raw download; every subject they classified is aggregated again, as after a submit. They may still classify: their answers are not counted. ' +
      `Excluding them again changes nothing (the first reason stays). ${WHO}`,
  })
  @ApiZodBody(exclusionSchema, 'Why the volunteer is excluded')
  @ApiZodResponse(excludedVolunteerSchema, { description: 'The exclusion, new or as it was' })
  exclude(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('userId', uuidParam('userId')) volunteerId: string,
    @Body(new ZodPipe(exclusionSchema)) input: ExclusionInput,
    @CurrentUser() user: AuthUser,
  ) {
    return this.excluded.exclude(projectId, volunteerId, input, user);
  }

  @Delete(':userId')
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({
    summary: 'Counts an excluded volunteer’s classifications in the project’s consensus again (researchers only).',
    description: `Every subject they classified is aggregated again. 404 when the volunteer is not excluded. ${WHO}`,
  })
  @ApiZodResponse(exclusionLiftedSchema, { description: 'The exclusion is lifted' })
  lift(@Param('id', uuidParam('id')) projectId: string, @Param('userId', uuidParam('userId')) volunteerId: string, @CurrentUser() user: AuthUser) {
    return this.excluded.lift(projectId, volunteerId, user);
  }
}
