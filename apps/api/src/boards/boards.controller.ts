import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BOARD_LIMITS, boardDiscussionPageSchema, boardDiscussionSchema, boardDiscussionStartedSchema, boardListSchema, boardSchema, discussionFollowSchema, subjectCommentSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiRateLimited, type RateLimitNote, RateLimitNotes } from '../common/rate-limits';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { type CommentPageQuery, commentPageQuerySchema } from '../discussions/dto/discussions.dto';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';
import { BOARD_RESEARCHERS, BoardsService } from './boards.service';
import {
  type BoardChanges,
  type BoardCommentInput,
  type BoardDiscussionInput,
  type BoardDiscussionsQuery,
  type BoardInput,
  boardChangesSchema,
  boardCommentInputSchema,
  boardDiscussionInputSchema,
  boardDiscussionsQuerySchema,
  boardInputSchema,
} from './dto/boards.dto';

const LIMIT_QUERY = { name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } as const;
const AFTER_QUERY = { name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } } as const;
const RESEARCHERS_ONLY = 'For the project’s researchers (owner, collaborators, scientists): anyone else gets 403 (404 when the project is not public to them).';
const NOT_READABLE = '404 for a board (or discussion) whose project is not public to the caller (a draft).';

@ApiTags('discussions')
@ApiBearerAuth()
@Controller()
export class BoardsController {
  constructor(private readonly boards: BoardsService) {}

  @Get('projects/:id/boards')
  @Public()
  @ApiOperation({
    summary: 'A project’s Talk boards (Help, Science, Chat…), in their order, archived ones too (no token needed for a public project).',
    description: `A new project has none until its researchers make them (POST). 404 for a project not public to the caller (a draft).`,
  })
  @ApiZodResponse(boardListSchema)
  listBoards(@Param('id', uuidParam('id')) projectId: string, @OptionalUser() user?: AuthUser) {
    return this.boards.list(projectId, user);
  }

  @Post('projects/:id/boards')
  @ApiOperation({
    summary: 'Makes a Talk board in the project, last in its list.',
    description: `Body: \`{ title, description? }\` (title 1 to ${BOARD_LIMITS.titleLength} characters on one line; description, Markdown, at most ${BOARD_LIMITS.descriptionLength}). At most ${BOARD_LIMITS.perProject} boards a project: 409 \`urn:chorus:problem:too-many-boards\` over it. ${RESEARCHERS_ONLY}`,
  })
  @AccessFirst(PROJECT_RESEARCHERS)
  @IdempotentCreate('board')
  @ApiZodBody(boardInputSchema)
  @ApiZodResponse(boardSchema, { status: 201, description: 'Made', also: REPLAYED_CREATION })
  createBoard(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(boardInputSchema)) input: BoardInput, @CurrentUser() user: AuthUser) {
    return this.boards.create(projectId, input, user);
  }

  @Patch('boards/:id')
  @ApiOperation({
    summary: 'Renames, describes, moves or archives a Talk board.',
    description: `Body: any of \`{ title, description, position, archived }\` (422 naming \`/title\` for none). \`position\`: its place in the list from 0 (the boards from there move down one; past the end, last). \`archived\` true: its discussions stay readable and take no new discussion, comment nor edit (409 \`urn:chorus:problem:board-archived\`); false opens it again. ${RESEARCHERS_ONLY}`,
  })
  @AccessFirst(BOARD_RESEARCHERS)
  @ApiZodBody(boardChangesSchema)
  @ApiZodResponse(boardSchema, { description: 'The board, changed' })
  updateBoard(@Param('id', uuidParam('id')) boardId: string, @Body(new ZodPipe(boardChangesSchema)) changes: BoardChanges, @CurrentUser() user: AuthUser) {
    return this.boards.update(boardId, changes, user);
  }

  @Delete('boards/:id')
  @ApiOperation({
    summary: 'Deletes a Talk board without discussions (the boards after it move up one).',
    description: `One with discussions is refused with 409 \`urn:chorus:problem:board-not-empty\`: archive it instead (PATCH, \`archived\` true). ${RESEARCHERS_ONLY}`,
  })
  @AccessFirst(BOARD_RESEARCHERS)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponse()
  async deleteBoard(@Param('id', uuidParam('id')) boardId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.boards.delete(boardId, user);
  }

  @Get('boards/:id/discussions')
  @Public()
  @ApiOperation({
    summary: 'A Talk board and its discussions, the latest active first, a page at a time (no token needed for a public project).',
    description: `Each with its title, who started it (null once they deleted their account), how many of its comments volunteers see, and when its latest comment was posted. Paging: \`limit\` (1 to 100, default 20); the answer’s \`next\`, when there are more, goes in \`after\`. ${NOT_READABLE}`,
  })
  @ApiQuery(LIMIT_QUERY)
  @ApiQuery(AFTER_QUERY)
  @ApiZodResponse(boardDiscussionPageSchema)
  listBoardDiscussions(@Param('id', uuidParam('id')) boardId: string, @Query(new ZodPipe(boardDiscussionsQuerySchema, '/query')) query: BoardDiscussionsQuery, @OptionalUser() user?: AuthUser) {
    return this.boards.boardDiscussions(boardId, query, user);
  }

  @Post('boards/:id/discussions')
  @ApiOperation({
    summary: 'Starts a titled discussion in a Talk board, with its first comment (volunteers with an account).',
    description: `Body: \`{ title, body }\`: the title 1 to ${BOARD_LIMITS.discussionTitleLength} characters on one line, the body as a comment’s (POST /subjects/:id/comments: Markdown, #hashtags, @mentions told). Its comments are comments as a subject’s discussion’s are (edit, delete, hide, report: /comments/:id…), its author follows it. Refused as a comment is: 403 \`urn:chorus:problem:account-required\` for a guest, 403 \`urn:chorus:problem:comment-banned\`, 429 over COMMENTS_PER_ACCOUNT_PER_HOUR; 409 \`urn:chorus:problem:board-archived\` in an archived board. ${NOT_READABLE}`,
  })
  @IdempotentCreate('discussion')
  @ApiRateLimited('Over COMMENTS_PER_ACCOUNT_PER_HOUR comments posted by the caller')
  @ApiZodBody(boardDiscussionInputSchema)
  @ApiZodResponse(boardDiscussionStartedSchema, { status: 201, description: 'Started', also: REPLAYED_CREATION })
  startDiscussion(
    @Param('id', uuidParam('id')) boardId: string,
    @Body(new ZodPipe(boardDiscussionInputSchema)) input: BoardDiscussionInput,
    @CurrentUser() user: AuthUser,
    @RateLimitNotes() note: RateLimitNote,
  ) {
    return this.boards.start(boardId, input, user, note);
  }

  @Get('board-discussions/:id/comments')
  @Public()
  @ApiOperation({
    summary: 'A board discussion: its title and board, and its comments, oldest first, a page at a time (no token needed for a public project).',
    description: `Its comments as in a subject’s discussion (GET /subjects/:id/comments): hidden ones listed to the project’s moderators and researchers, and each to its author, marked; \`commentBanned\` and \`following\` as there. Paging: \`limit\` (1 to 100, default 20); the answer’s \`next\`, when there are more, goes in \`after\`. ${NOT_READABLE}`,
  })
  @ApiQuery(LIMIT_QUERY)
  @ApiQuery(AFTER_QUERY)
  @ApiZodResponse(boardDiscussionSchema)
  getBoardDiscussion(@Param('id', uuidParam('id')) discussionId: string, @Query(new ZodPipe(commentPageQuerySchema, '/query')) query: CommentPageQuery, @OptionalUser() user?: AuthUser) {
    return this.boards.discussion(discussionId, query, user);
  }

  @Post('board-discussions/:id/comments')
  @ApiOperation({
    summary: 'Posts a comment in a board discussion (volunteers with an account), or a reply to one of its comments.',
    description: `Body: \`{ body, replyTo? }\`, as a comment on a subject (POST /subjects/:id/comments), told and refused as it is; \`replyTo\` a comment of this discussion. 409 \`urn:chorus:problem:board-archived\` in an archived board’s discussion. ${NOT_READABLE}`,
  })
  @IdempotentCreate('comment')
  @ApiRateLimited('Over COMMENTS_PER_ACCOUNT_PER_HOUR comments posted by the caller')
  @ApiZodBody(boardCommentInputSchema)
  @ApiZodResponse(subjectCommentSchema, { status: 201, description: 'Posted', also: REPLAYED_CREATION })
  postBoardComment(
    @Param('id', uuidParam('id')) discussionId: string,
    @Body(new ZodPipe(boardCommentInputSchema)) input: BoardCommentInput,
    @CurrentUser() user: AuthUser,
    @RateLimitNotes() note: RateLimitNote,
  ) {
    return this.boards.comment(discussionId, input, user, note);
  }

  @Put('board-discussions/:id/follow')
  @ApiOperation({
    summary: 'Follows a board discussion (volunteers with an account): told of each new comment in it, as of a subject’s discussion (PUT /subjects/:id/follow).',
    description: `The same answer again. A guest is refused with 403 \`urn:chorus:problem:account-required\`; one stopped from commenting in the project with 403 \`urn:chorus:problem:comment-banned\`. ${NOT_READABLE}`,
  })
  @ApiZodResponse(discussionFollowSchema, { description: 'Followed' })
  followBoardDiscussion(@Param('id', uuidParam('id')) discussionId: string, @CurrentUser() user: AuthUser) {
    return this.boards.follow(discussionId, true, user);
  }

  @Delete('board-discussions/:id/follow')
  @ApiOperation({
    summary: 'Stops following a board discussion, also one the caller started or commented in (volunteers with an account).',
    description: `As DELETE /subjects/:id/follow. ${NOT_READABLE}`,
  })
  @ApiZodResponse(discussionFollowSchema, { description: 'Unfollowed' })
  unfollowBoardDiscussion(@Param('id', uuidParam('id')) discussionId: string, @CurrentUser() user: AuthUser) {
    return this.boards.follow(discussionId, false, user);
  }
}
