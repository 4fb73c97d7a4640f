import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { proposedTagsSchema } from '@chorus/client';
import { type AuthUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { tagsTaskSchema } from './dto/tags.dto';
import { TagsService } from './tags.service';

@ApiTags('tags')
@ApiBearerAuth()
@Controller('workflows/:id/subjects/:subjectId/tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  /** `{ tags: [{ tag, up, down }] }`: what other volunteers proposed for this subject in a tagging task, to vote on. */
  @Get()
  @Public()
  @ApiQuery({ name: 'task', required: true, description: 'The key of a tagging task of the workflow' })
  @ApiZodResponse(proposedTagsSchema)
  getProposedTags(
    @Param('id', uuidParam('id')) workflowId: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @Query('task', new ZodPipe(tagsTaskSchema, '/query/task')) task: string,
    @OptionalUser() user?: AuthUser,
  ) {
    return this.tags.proposed(workflowId, subjectId, task, user);
  }
}
