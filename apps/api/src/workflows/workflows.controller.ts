import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodBody, ZodPipe, uuidParam } from '../common/zod';
import { z } from 'zod';
import { parseWorkflowBody, workflowBodySchema } from './dto/workflow.dto';
import { WorkflowsService } from './workflows.service';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller()
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post('projects/:id/workflows')
  @ApiZodBody(workflowBodySchema, 'A workflow definition (see DESIGN.md) and the subject sets it serves.')
  createWorkflow(@Param('id', uuidParam('id')) projectId: string, @Body() body: unknown, @CurrentUser() user: AuthUser) {
    return this.workflows.create(projectId, parseWorkflowBody(body), user);
  }

  @Put('workflows/:id')
  @ApiZodBody(workflowBodySchema, 'The whole definition; a changed definition becomes a new version.')
  updateWorkflow(@Param('id', uuidParam('id')) id: string, @Body() body: unknown, @CurrentUser() user: AuthUser) {
    return this.workflows.update(id, parseWorkflowBody(body), user);
  }

  @Post('workflows/:id/activate')
  @HttpCode(200)
  activateWorkflow(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser) {
    return this.workflows.setStatus(id, 'active', user);
  }

  @Post('workflows/:id/pause')
  @HttpCode(200)
  pauseWorkflow(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser) {
    return this.workflows.setStatus(id, 'paused', user);
  }

  @Get('workflows/:id')
  @Public()
  getWorkflow(@Param('id', uuidParam('id')) id: string, @OptionalUser() user?: AuthUser) {
    return this.workflows.get(id, user);
  }

  @Get('workflows/:id/versions/:version')
  @Public()
  getWorkflowVersion(
    @Param('id', uuidParam('id')) id: string,
    @Param('version', new ZodPipe(z.coerce.number().int('must be a whole number').min(1, 'versions start at 1').max(2_147_483_647, 'is beyond any version'), '/params/version')) version: number,
    @OptionalUser() user?: AuthUser,
  ) {
    return this.workflows.version(id, version, user);
  }

  @Get('workflows/:id/stats')
  @Public()
  getWorkflowStats(@Param('id', uuidParam('id')) id: string, @OptionalUser() user?: AuthUser) {
    return this.workflows.stats(id, user);
  }
}
