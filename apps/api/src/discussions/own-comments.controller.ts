import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ownCommentPageSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodResponse, ZodPipe } from '../common/zod';
import { type OwnCommentsQuery, ownCommentsQuerySchema } from './dto/discussions.dto';
import { OwnCommentsService } from './own-comments.service';

/** A volunteer's own comments, across projects (their Talk profile). */
@ApiTags('account')
@Controller('account/comments')
export class OwnCommentsController {
  constructor(private readonly ownComments: OwnCommentsService) {}

  @Get()
  @ApiOperation({
    summary: 'The caller’s own comments in every project’s discussions, newest first, each with its project, its subject, the link to it in its discussion, and whether the moderators hid it.',
    description:
      'Any bearer token; a guest writes no comments, so has none (nor does a guest’s token of a guest who since created an account: sign in). A hidden comment is listed, marked hidden (why only to the project’s team, as in its discussion). Comments in a project the caller may no longer read (taken back to draft, a membership ended) are listed too, without a link to the discussion (`discussionUrl` null); of a project the operators of this Chorus took down, without the project (`project` null). Deleted comments are not listed. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after`. Every one, to keep: GET /account/comments.csv.',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(ownCommentPageSchema, { description: 'A page of the caller’s comments, newest first (none for a guest)' })
  list(@Query(new ZodPipe(ownCommentsQuerySchema, '/query')) query: OwnCommentsQuery, @CurrentUser() user: AuthUser) {
    return this.ownComments.mine(query, user);
  }
}
