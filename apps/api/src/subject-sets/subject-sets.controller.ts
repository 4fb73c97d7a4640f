import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ZodPipe, uuidParam } from '../common/zod';
import { type AddSubjectsInput, type CreateSubjectSetInput, addSubjectsSchema, createSubjectSetSchema } from './dto/subject-set.dto';
import { SubjectSetsService } from './subject-sets.service';

@ApiTags('subjects')
@ApiBearerAuth()
@Controller()
export class SubjectSetsController {
  constructor(private readonly subjectSets: SubjectSetsService) {}

  @Post('projects/:id/subject-sets')
  @ApiZodBody(createSubjectSetSchema)
  createSubjectSet(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(createSubjectSetSchema)) input: CreateSubjectSetInput, @CurrentUser() user: AuthUser) {
    return this.subjectSets.create(projectId, input, user);
  }

  @Get('projects/:id/subject-sets')
  listSubjectSets(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.subjectSets.list(projectId, user);
  }

  @Post('subject-sets/:id/subjects')
  @ApiZodBody(addSubjectsSchema, 'Up to 10,000 subjects per call; a repeated externalId adds the existing subject to the set.')
  addSubjects(@Param('id', uuidParam('id')) subjectSetId: string, @Body(new ZodPipe(addSubjectsSchema)) input: AddSubjectsInput, @CurrentUser() user: AuthUser) {
    return this.subjectSets.addSubjects(subjectSetId, input, user);
  }
}
