import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { hiddenTagSchema, proposedTagsSchema, tagProposalPageSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodQuery, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type HiddenTagInput, type HiddenTagQuery, type TagProposalsQuery, hiddenTagInputSchema, hiddenTagQuerySchema, tagProposalsQuerySchema, tagsTaskSchema } from './dto/tags.dto';
import { TagsService } from './tags.service';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_MODERATORS } from '../workflows/workflows.service';

@ApiTags('tags')
@ApiBearerAuth()
@Controller('workflows/:id')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  /**
   * `{ tags: [{ tag, up, down }] }`: what other volunteers proposed for this subject in a tagging task, to vote on
   * (those a moderator or researcher hid left out).
   */
  @Get('subjects/:subjectId/tags')
  @ApiOperation({
    summary: 'The tags other volunteers proposed for a subject in a tagging task, with their votes, to vote on (no token needed for a public workflow).',
    description: '`task` names a tagging task of the workflow (422 at `/query/task` otherwise). Tags a moderator or researcher hid are left out. 404 (at `/params/subjectId`) for a subject not in the workflow. A draft workflow, or one of a project not public (a draft, or taken down), is its project’s members’ only: anyone else gets 404.',
  })
  @Public()
  @ApiZodQuery('task', tagsTaskSchema, { required: true, description: 'The key of a tagging task of the workflow' })
  @ApiZodResponse(proposedTagsSchema)
  getProposedTags(
    @Param('id', uuidParam('id')) workflowId: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @Query('task', new ZodPipe(tagsTaskSchema, '/query/task')) task: string,
    @OptionalUser() user?: AuthUser,
  ) {
    return this.tags.proposed(workflowId, subjectId, task, user);
  }

  @Get('tag-proposals')
  @ApiOperation({
    summary: 'Lists the answers that proposed tags in a workflow’s tagging tasks, most recent first, a page at a time (the workflow’s moderators and researchers).',
    description: 'For moderating: each tag with its hiding, if it was hidden. `since` gives only the answers stored since then (what is new since a moderator last looked); `subjectId`, one subject’s. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after` for the next page. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_MODERATORS)
  @ApiQuery({ name: 'subjectId', required: false, description: 'Only the proposals for this subject', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({
    name: 'since',
    required: false,
    description: 'Only the answers stored since then (new since a moderator last looked): a date (midnight UTC) or a date and time with its zone, as the downloads take it',
    schema: { type: 'string' },
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(tagProposalPageSchema, {
    description: 'The answers that proposed tags in the workflow’s tagging tasks, the most recent first, each tag with its hiding if it was hidden (moderators and researchers)',
  })
  listTagProposals(@Param('id', uuidParam('id')) workflowId: string, @Query(new ZodPipe(tagProposalsQuerySchema, '/query')) query: TagProposalsQuery, @CurrentUser() user: AuthUser) {
    return this.tags.proposals(workflowId, query, user);
  }

  @Post('hidden-tags')
  @ApiOperation({
    summary: 'Hides a tag volunteers proposed for a subject, so it is no longer proposed to others (the workflow’s moderators and researchers).',
    description: 'Body: `subjectId`, `task`, `tag` and an optional `reason`. The answers that gave it stay stored and count in the consensus (the consensus download lists hidden tags in `hidden_tags`). Hiding it again answers the first hiding (200). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_MODERATORS)
  @ApiZodBody(hiddenTagInputSchema, 'A tag volunteers proposed for a subject in a tagging task, to hide from volunteers, and why (optional); moderators and researchers.')
  @ApiZodResponse(hiddenTagSchema, {
    status: 201,
    description: 'Hidden: no longer proposed to volunteers (the answers that gave it stay stored, and count in the consensus)',
    also: { status: 200, description: 'The tag was hidden already: the first hiding, unchanged' },
  })
  async hideTag(
    @Param('id', uuidParam('id')) workflowId: string,
    @Body(new ZodPipe(hiddenTagInputSchema)) input: HiddenTagInput,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { replayed, ...hidden } = await this.tags.hide(workflowId, input, user);
    void reply.status(replayed ? 200 : 201);
    return hidden;
  }

  @Delete('hidden-tags')
  @ApiOperation({
    summary: 'Shows a hidden tag to volunteers again (the workflow’s moderators and researchers).',
    description: 'The tag by `subjectId`, `task` and `tag` in the query. Recorded with who hid it and who showed it again. The same 204 when it was not hidden, so a retry is safe. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_MODERATORS)
  @HttpCode(204)
  @ApiQuery({ name: 'subjectId', required: true, description: 'The subject the tag was hidden for', schema: { type: 'string', format: 'uuid' } })
  @ApiZodQuery('task', hiddenTagQuerySchema.shape.task, { required: true, description: 'The key of the tagging task' })
  @ApiZodQuery('tag', hiddenTagQuerySchema.shape.tag, { required: true, description: 'The hidden tag (its case and spaces do not matter)' })
  @ApiNoContentResponse({
    description:
      'Shown to volunteers again, recorded (who hid it, when and why, and who showed it again, when); moderators and researchers. The same 204 when the tag was not hidden (shown again already, or never hidden): nothing changes, so a retry is safe',
  })
  @ApiProblemResponse()
  async unhideTag(@Param('id', uuidParam('id')) workflowId: string, @Query(new ZodPipe(hiddenTagQuerySchema, '/query')) query: HiddenTagQuery, @CurrentUser() user: AuthUser): Promise<void> {
    await this.tags.unhide(workflowId, query, user);
  }
}
