import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { projectListSchema, projectTakeDownSchema, projectViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type CreateProjectInput, type ProjectListQuery, type TakeDownInput, type UpdateProjectInput, createProjectSchema, projectListQuerySchema, takeDownSchema, updateProjectSchema } from './dto/project.dto';
import { ProjectsService } from './projects.service';
import { AccessFirst } from './access-first';
import { PROJECT_ADMINISTRATORS } from './project-access';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiZodBody(createProjectSchema)
  @ApiZodResponse(projectViewSchema, { status: 201 })
  createProject(@Body(new ZodPipe(createProjectSchema)) input: CreateProjectInput, @CurrentUser() user: AuthUser) {
    return this.projects.create(input, user);
  }

  @Get()
  @Public()
  @ApiQuery({ name: 'member', required: false, description: 'true: only the projects the caller is a member of', schema: { type: 'string', enum: ['true', 'false'] } })
  @ApiZodResponse(projectListSchema, { description: 'Live and finished projects not taken down by the operators, and those the caller is a member of (each with the caller’s `role`, null where none)' })
  async listProjects(@Query(new ZodPipe(projectListQuerySchema, '/query')) query: ProjectListQuery, @OptionalUser() user?: AuthUser) {
    return { projects: await this.projects.list(user, query) };
  }

  @Get(':id')
  @Public()
  @ApiZodResponse(projectViewSchema)
  getProject(@Param('id') idOrSlug: string, @OptionalUser() user?: AuthUser) {
    return this.projects.get(idOrSlug, user);
  }

  @Patch(':id')
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @ApiZodBody(updateProjectSchema)
  @ApiZodResponse(projectViewSchema)
  updateProject(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(updateProjectSchema)) input: UpdateProjectInput, @CurrentUser() user: AuthUser) {
    return this.projects.update(id, input, user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Deleted, with its workflows, subject sets, subjects, members and invitations: by its owner only, not while it is live (409 `project-live`), and only if nobody has classified in it (409 `project-classified`: classifications are never deleted; hand the project over instead), its team’s tries in draft workflows (made_in_draft) aside, which go with it',
  })
  @ApiProblemResponse()
  async deleteProject(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.projects.delete(id, user);
  }

  @Put(':id/take-down')
  @ApiZodBody(takeDownSchema)
  @ApiZodResponse(projectTakeDownSchema, {
    description:
      'Taken down from the public, whatever its status (the operators of this Chorus only, the accounts OPERATOR_IDS names; 403 for anyone else): off the project list, its workflows serving and taking nothing from volunteers, its members seeing `takenDownAt` and `takenDownReason`',
  })
  takeDownProject(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(takeDownSchema)) input: TakeDownInput, @CurrentUser() user: AuthUser) {
    return this.projects.takeDown(id, input, user);
  }

  @Delete(':id/take-down')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Restored: public again as its status says (the operators of this Chorus only)' })
  @ApiProblemResponse()
  async restoreProject(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.projects.restore(id, user);
  }
}
