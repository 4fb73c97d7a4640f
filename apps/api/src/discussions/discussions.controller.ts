import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { discussionFollowSchema, projectCommentPageSchema, subjectCommentSchema, subjectDiscussionSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiRateLimited, type RateLimitNote, RateLimitNotes } from '../common/rate-limits';
import { ApiProblemResponse, ApiZodBody, ApiZodQuery, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { AccessFirst } from '../projects/access-first';
import { COMMENT_MODERATORS, DiscussionsService } from './discussions.service';
import {
  type CommentEdit,
  type CommentHiding,
  type CommentInput,
  type DiscussionFollowQuery,
  type ProjectCommentsQuery,
  type SubjectCommentsQuery,
  authorSchema,
  commentEditSchema,
  commentHidingSchema,
  commentInputSchema,
  commentSearchSchema,
  discussionFollowQuerySchema,
  hashtagSchema,
  projectCommentsQuerySchema,
  subjectCommentsQuerySchema,
} from './dto/discussions.dto';

/** The subject's project, whose discussion of it a route reads or follows. */
const PROJECT_QUERY = { name: 'projectId', required: true, description: 'The subject’s project', schema: { type: 'string', format: 'uuid' } } as const;
const LIMIT_QUERY = { name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } as const;
const AFTER_QUERY = { name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } } as const;

@ApiTags('discussions')
@ApiBearerAuth()
@Controller()
export class DiscussionsController {
  constructor(private readonly discussions: DiscussionsService) {}

  @Get('subjects/:id/comments')
  @Public()
  @ApiOperation({
    summary: 'A subject’s discussion in its project: the subject as volunteers see it, and its comments, oldest first, a page at a time (no token needed for a public project).',
    description:
      '`projectId` names the subject’s project. Each comment with its author’s display name (null for a deleted account: a former volunteer), whether they are on the project’s team (a badge), whether it is the caller’s, and the comment it replies to (`replyTo`, null when none, deleted, or hidden from the caller). Hidden comments are listed to the project’s moderators and researchers, and each to its author, marked. A subject its project’s team took down (retired by moderation in any of the project’s workflows) comes with `takenDown: true`, and to anyone not on the team without locations, metadata or externalId; its comments are listed as before. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after`. 404 for a subject not in the project, or a project not public to the caller (a draft).',
  })
  @ApiQuery(PROJECT_QUERY)
  @ApiQuery(LIMIT_QUERY)
  @ApiQuery(AFTER_QUERY)
  @ApiZodResponse(subjectDiscussionSchema)
  getSubjectDiscussion(@Param('id', uuidParam('id')) subjectId: string, @Query(new ZodPipe(subjectCommentsQuerySchema, '/query')) query: SubjectCommentsQuery, @OptionalUser() user?: AuthUser) {
    return this.discussions.discussion(subjectId, query, user);
  }

  @Put('subjects/:id/follow')
  @ApiOperation({
    summary: 'Follows a subject’s discussion in its project (volunteers with an account): told of each new comment in it, without commenting.',
    description:
      '`projectId` names the subject’s project. A volunteer who commented in a discussion follows it already, while one of their comments there is shown (a moderator hiding the last of them, or its author deleting it, takes that follow away, showing one again gives it back; a follow chosen here stays); this follows one they did not comment in, or again one they unfollowed. Each new comment in it (not their own) is a `discussion` notification (GET /account/notifications), and a mail if they asked for mails of the discussions they follow (`followedDiscussionMails`); one notification a comment, a reply or a mention of them winning. Not while they may not read the project, nor while its moderators stop them from commenting there. The same answer again. A guest is refused with 403 `urn:chorus:problem:account-required`; 404 for a subject not in the project, or a project not public to the caller.',
  })
  @ApiQuery(PROJECT_QUERY)
  @ApiZodResponse(discussionFollowSchema, { description: 'Followed' })
  followDiscussion(@Param('id', uuidParam('id')) subjectId: string, @Query(new ZodPipe(discussionFollowQuerySchema, '/query')) query: DiscussionFollowQuery, @CurrentUser() user: AuthUser) {
    return this.discussions.follow(subjectId, query, true, user);
  }

  @Delete('subjects/:id/follow')
  @ApiOperation({
    summary: 'Stops following a subject’s discussion in its project, also one the caller commented in (volunteers with an account).',
    description:
      'No more `discussion` notifications of it, even after commenting in it again, until they follow it again (PUT); replies to them and mentions of them are still told. A discussion they never followed nor commented in stores nothing (commenting there later follows it). The same answer again. A guest is refused with 403 `urn:chorus:problem:account-required`; 404 for a subject not in the project, or a project not public to the caller.',
  })
  @ApiQuery(PROJECT_QUERY)
  @ApiZodResponse(discussionFollowSchema, { description: 'Unfollowed' })
  unfollowDiscussion(@Param('id', uuidParam('id')) subjectId: string, @Query(new ZodPipe(discussionFollowQuerySchema, '/query')) query: DiscussionFollowQuery, @CurrentUser() user: AuthUser) {
    return this.discussions.follow(subjectId, query, false, user);
  }

  @Post('subjects/:id/comments')
  @ApiOperation({
    summary: 'Posts a comment in a subject’s discussion (volunteers with an account), in Markdown, with any #hashtags and @mentions, or a reply to one of its comments.',
    description:
      'Body: `{ projectId, body, replyTo? }`; the body is trimmed, 1 to 2,000 characters. Its #hashtags (letters with their marks, digits and _) are stored with it, lower case. `replyTo`: the id of a comment on the same subject that it answers (replies stay in the one list, oldest first); one of another subject or none, hidden by the moderators, or deleted is refused with 422 naming `/replyTo`. Those it concerns are notified (GET /account/notifications): the author of the comment it replies to; each volunteer it mentions, `@displayName` (only a display name exactly one account has); with `@team`, the project’s researchers and moderators (at most 10 different @mentions a comment, else 422 naming `/body`); those who follow the discussion (commented in it or followed it, PUT /subjects/:id/follow, and did not unfollow it), once each, the first of these reasons; never its own author, nor anyone who may not see the project. A guest is refused with 403 `urn:chorus:problem:account-required` (sign in to comment); 429 `urn:chorus:problem:too-many-requests` over COMMENTS_PER_ACCOUNT_PER_HOUR, with Retry-After (not for the project’s own researchers and moderators, who answer volunteers there). A subject its project’s team took down (`takenDown` in its discussion) takes no new comment but the team’s: 409 `urn:chorus:problem:subject-taken-down` for anyone else. A volunteer its moderators stopped from commenting in the project (PUT /projects/:id/comment-bans/:userId) gets 403 `urn:chorus:problem:comment-banned`. 404 for a subject not in the project, or a project not public to the caller.',
  })
  @IdempotentCreate('comment')
  @ApiRateLimited('Over COMMENTS_PER_ACCOUNT_PER_HOUR comments posted by the caller')
  @ApiZodBody(commentInputSchema, 'The subject’s project, and the comment (Markdown).')
  @ApiZodResponse(subjectCommentSchema, { status: 201, description: 'Posted', also: REPLAYED_CREATION })
  postComment(
    @Param('id', uuidParam('id')) subjectId: string,
    @Body(new ZodPipe(commentInputSchema)) input: CommentInput,
    @CurrentUser() user: AuthUser,
    @RateLimitNotes() note: RateLimitNote,
  ) {
    return this.discussions.post(subjectId, input, user, note);
  }

  @Patch('comments/:id')
  @ApiOperation({
    summary: 'Rewrites the caller’s own comment (its `editedAt` says when).',
    description: 'Body: `{ body }`, as a new comment’s; those it mentions now who were not notified of it before are notified (not again the others), and an edit that notifies anyone counts against COMMENTS_PER_ACCOUNT_PER_HOUR as a new comment (429 over it, the edit not made; not for the project’s researchers and moderators). Anyone but its author gets 403; a hidden comment is its project team’s and its author’s only (404 to others), and its author gets 409 `urn:chorus:problem:comment-hidden`, saying the moderators hid it (not why: their reason is the team’s). An author the project’s moderators stopped from commenting there gets 403 `urn:chorus:problem:comment-banned`.',
  })
  @ApiRateLimited('Over COMMENTS_PER_ACCOUNT_PER_HOUR comments posted, or edits that notified anyone, by the caller')
  @ApiZodBody(commentEditSchema, 'The comment’s new text (Markdown).')
  @ApiZodResponse(subjectCommentSchema, { description: 'The comment as it is now' })
  editComment(
    @Param('id', uuidParam('id')) commentId: string,
    @Body(new ZodPipe(commentEditSchema)) input: CommentEdit,
    @CurrentUser() user: AuthUser,
    @RateLimitNotes() note: RateLimitNote,
  ) {
    return this.discussions.edit(commentId, input, user, note);
  }

  @Delete('comments/:id')
  @ApiOperation({
    summary: 'Deletes the caller’s own comment.',
    description: 'Anyone but its author gets 403 (moderators and researchers hide a comment instead); a hidden comment is its project team’s and its author’s only (404 to others), and its author gets 409 `urn:chorus:problem:comment-hidden`, saying the moderators hid it (not why: their reason is the team’s).',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponse()
  async deleteComment(@Param('id', uuidParam('id')) commentId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.discussions.delete(commentId, user);
  }

  @Put('comments/:id/hidden')
  @ApiOperation({
    summary: 'Hides a comment from volunteers, with the reason (the project’s moderators and researchers).',
    description: 'Body: `{ reason }` (1 to 500 characters). The team still sees it, marked hidden with the reason; its author sees it marked hidden, without the reason (`reason` null: it is the team’s); hiding it again keeps when, and takes the new reason. Anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(COMMENT_MODERATORS)
  @ApiZodBody(commentHidingSchema, 'Why the comment is hidden.')
  @ApiZodResponse(subjectCommentSchema, { description: 'The comment, hidden' })
  hideComment(@Param('id', uuidParam('id')) commentId: string, @Body(new ZodPipe(commentHidingSchema)) input: CommentHiding, @CurrentUser() user: AuthUser) {
    return this.discussions.hide(commentId, input, user);
  }

  @Delete('comments/:id/hidden')
  @ApiOperation({
    summary: 'Shows a hidden comment to volunteers again (the project’s moderators and researchers).',
    description: 'The same 204 when it was not hidden, so a retry is safe. Anyone else gets 403 (404 when the project is not public to them).',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Shown to volunteers' })
  @ApiProblemResponse()
  async unhideComment(@Param('id', uuidParam('id')) commentId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.discussions.unhide(commentId, user);
  }

  @Get('projects/:id/comments')
  @Public()
  @ApiOperation({
    summary: 'A project’s recent discussions: its comments, newest first, a page at a time; with `tag`, those with that #hashtag; with `q`, those whose body holds each of its words; with `author`, one volunteer’s, for the project’s moderators and researchers (no token needed for a public project).',
    description: 'Each comment as in a subject’s discussion, with its subject as volunteers see it (to name it by; one taken down by the project’s team as in its discussion). Hidden comments are listed to the project’s moderators and researchers, and each to its author, marked. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after`. 404 for a project not public to the caller (a draft).',
  })
  @ApiZodQuery('tag', hashtagSchema, { required: false, description: 'Only the comments with this #hashtag (with or without its #)' })
  @ApiZodQuery('q', commentSearchSchema, { required: false, description: 'Only the comments whose body holds each of these words (1 to 200 characters, at most 8 different words), whatever their case and accents; `%` and `_` are plain characters. Not the author’s name: an @mention is in the body' })
  @ApiZodQuery('author', authorSchema, {
    required: false,
    description: 'Only this volunteer’s comments (their account id: a reported comment’s `author.id`, a comment ban’s `volunteerId`), hidden ones too; for the project’s moderators and researchers only (403 to anyone else)',
  })
  @ApiQuery(LIMIT_QUERY)
  @ApiQuery(AFTER_QUERY)
  @ApiZodResponse(projectCommentPageSchema)
  listProjectComments(@Param('id', uuidParam('id')) projectId: string, @Query(new ZodPipe(projectCommentsQuerySchema, '/query')) query: ProjectCommentsQuery, @OptionalUser() user?: AuthUser) {
    return this.discussions.projectComments(projectId, query, user);
  }
}
