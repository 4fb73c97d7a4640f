import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodBody, ZodPipe, uuidParam } from '../common/zod';
import { type CreateProjectInput, type UpdateProjectInput, createProjectSchema, updateProjectSchema } from './dto/project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiZodBody(createProjectSchema)
  createProject(@Body(new ZodPipe(createProjectSchema)) input: CreateProjectInput, @CurrentUser() user: AuthUser) {
    return this.projects.create(input, user);
  }

  @Get()
  @Public()
  async listProjects(@OptionalUser() user?: AuthUser) {
    return { projects: await this.projects.list(user) };
  }

  @Get(':id')
  @Public()
  getProject(@Param('id') idOrSlug: string, @OptionalUser() user?: AuthUser) {
    return this.projects.get(idOrSlug, user);
  }

  @Patch(':id')
  @ApiZodBody(updateProjectSchema)
  updateProject(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(updateProjectSchema)) input: UpdateProjectInput, @CurrentUser() user: AuthUser) {
    return this.projects.update(id, input, user);
  }
}
