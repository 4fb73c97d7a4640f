import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { workflowSkillsSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_RESEARCHERS } from '../workflows/workflows.service';
import { SkillsService } from './skills.service';

@ApiTags('subject-results')
@ApiBearerAuth()
@Controller('workflows/:id/skills')
export class SkillsController {
  constructor(private readonly skills: SkillsService) {}

  @Get()
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @ApiOperation({
    summary: 'The volunteers’ skills the worker learned for the workflow’s bayes tasks, the least accurate first (researchers only).',
    description:
      'For each single-choice task whose consensus is `bayes`, each volunteer’s skill as the worker last learned it from every classification (Dawid–Skene, gold standard answers held fixed): ' +
      'their accuracy, their confusion per true answer, how many answers it rests on, and their agreement with the gold standard. Volunteers are named as the raw download names them (user_id, user_kind, user_name), never by email. ' +
      'These skills weigh the votes of a `posterior` retirement rule and of the consensus; an `agreement` rule counts votes, every volunteer’s alike, whatever their skill. Empty until skills are learned.',
  })
  @ApiZodResponse(workflowSkillsSchema, { description: 'Each volunteer’s learned skill on each task' })
  getSkills(@Param('id', uuidParam('id')) workflowId: string, @CurrentUser() user: AuthUser) {
    return this.skills.of(workflowId, user);
  }
}
