import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { commentBanMadeSchema, commentBanPageSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_MODERATORS } from '../projects/project-access';
import { CommentBansService } from './comment-bans.service';
import { type CommentBanInput, type CommentBansQuery, commentBanInputSchema, commentBansQuerySchema } from './dto/discussions.dto';

const WHO = 'Anyone but the project’s moderators and researchers gets 403 (404 when the project is not public to them).';

@ApiTags('discussions')
@ApiBearerAuth()
@Controller('projects/:id/comment-bans')
export class CommentBansController {
  constructor(private readonly bans: CommentBansService) {}

  @Get()
  @AccessFirst(PROJECT_MODERATORS)
  @ApiOperation({
    summary: 'The volunteers stopped from commenting in the project, the most recently stopped first, a page at a time (the project’s moderators and researchers).',
    description: `Each with why, when and by whom. Paging: \`limit\` (1 to 100, default 20); the answer’s \`next\`, when there are more, goes in \`after\`. ${WHO}`,
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(commentBanPageSchema, { description: 'The project’s comment bans, the most recent first' })
  listCommentBans(@Param('id', uuidParam('id')) projectId: string, @Query(new ZodPipe(commentBansQuerySchema, '/query')) query: CommentBansQuery, @CurrentUser() user: AuthUser) {
    return this.bans.list(projectId, query, user);
  }

  @Put(':userId')
  @AccessFirst(PROJECT_MODERATORS)
  @ApiOperation({
    summary: 'Stops a volunteer from commenting in the project’s discussions, with the reason (the project’s moderators and researchers).',
    description:
      'Body: `{ reason, hideComments? }` (`reason` 1 to 500 characters). `:userId` is a volunteer’s account id (a reported comment’s `author.id`); a guest, an unknown id, a deleted account or one of the project’s moderators and researchers (its owner too) is refused with 422 naming `/params/userId`. ' +
      'While it lasts, their comments and edits in the project are refused with 403 `urn:chorus:problem:comment-banned` (not why: the reason is the team’s); what they wrote stays, and they may still read, delete their own comments, report comments and subjects, favourite subjects, propose tags, and comment in other projects. It ends when a role puts them on the team (a reviewer’s aside). ' +
      'With `hideComments: true`, every comment of theirs in the project not hidden yet is hidden too, in the ban’s transaction, as PUT /comments/:id/hidden hides one: by the caller, with the ban’s reason (those hidden before keep theirs); `commentsHidden` says how many this request hid (0 without it, and when sent again). Lifting the ban leaves them hidden: show each again with DELETE /comments/:id/hidden. ' +
      `Stopping them again keeps when, and takes the new reason. ${WHO}`,
  })
  @ApiZodBody(commentBanInputSchema, 'Why the volunteer may no longer comment in the project.')
  @ApiZodResponse(commentBanMadeSchema, { description: 'The comment ban, new or with its new reason, and how many of their comments it hid' })
  banFromComments(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('userId', uuidParam('userId')) volunteerId: string,
    @Body(new ZodPipe(commentBanInputSchema)) input: CommentBanInput,
    @CurrentUser() user: AuthUser,
  ) {
    return this.bans.ban(projectId, volunteerId, input, user);
  }

  @Delete(':userId')
  @AccessFirst(PROJECT_MODERATORS)
  @ApiOperation({
    summary: 'Lets a volunteer comment in the project again (the project’s moderators and researchers).',
    description: `Any of the project’s moderators and researchers lifts any ban, one its owner made too. The same 204 when they were not stopped, so a retry is safe. Their comments hidden with the ban (hideComments) stay hidden. ${WHO}`,
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'They may comment again' })
  @ApiProblemResponse()
  async liftCommentBan(@Param('id', uuidParam('id')) projectId: string, @Param('userId', uuidParam('userId')) volunteerId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.bans.lift(projectId, volunteerId, user);
  }
}
