import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { notificationPageSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { type NotificationsQuery, type NotificationsRead, notificationsQuerySchema, notificationsReadSchema } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('discussions')
@ApiBearerAuth()
@Controller('account/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'The caller’s notifications from subjects’ and boards’ discussions (Talk), of workflows complete and of webhooks turned off, newest first, a page at a time, with how many are unread.',
    description:
      'A volunteer with an account is told when someone else replies to one of their comments (`reply`), mentions them by their display name, `@name` (`mention`: only a name exactly one account has), or writes `@team` in a project whose team (its researchers and moderators) they are on (`team-mention`), or comments in a discussion they follow, a subject’s or a board’s (`discussion`: they commented in it before, started it, or followed it with PUT /subjects/:id/follow or PUT /board-discussions/:id/follow, and did not unfollow it; not while stopped from commenting in the project); one notification a comment, the first of these reasons, never of their own. Each with an excerpt of the comment, its author, its subject or board discussion (`subjectId` null, `boardDiscussionId` set) and project. And (`workflow-complete`, with `workflow` in place of `comment`) when a workflow they classified in, or whose project they research (`RESEARCHER_ROLES`), is complete: every subject retired and none to come, or finished by its researchers; once per completion (a workflow reopened and complete again is told again), never to a volunteer its project stopped from commenting or keeps out of its consensus; with its name, project, how many subjects were done, whether the caller researches the project (`team`: the lab’s downloads are theirs) and whether the project publishes its results; mailed too with `completionMails` (researchers; on as every account starts) or `volunteerCompletionMails` (off until asked for). And (`webhook-disabled`, with `webhook`: its id, address, project and why it is off, `reason` `failures` and the last `error`, null once back on) when a webhook of a project whose owner or a collaborator they are was turned off after 20 deliveries in a row were given up on. A comment hidden or deleted since, or in a project the caller may no longer see, or a webhook of a project they are no longer the owner or a collaborator of, is left out (and from `unread`). An account that asked for it (`PATCH /account { "discussionMails": true }` for replies and mentions, `{ "followedDiscussionMails": true }` for `discussion`) and has a verified email is also mailed of each as it is given, in its language. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after`. A guest is refused with 403 `urn:chorus:problem:account-required`.',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(notificationPageSchema)
  list(@Query(new ZodPipe(notificationsQuerySchema, '/query')) query: NotificationsQuery, @CurrentUser() user: AuthUser) {
    return this.notifications.mine(query, user);
  }

  @Post('read')
  @ApiOperation({
    summary: 'Marks the caller’s notifications read: those named, or all of them.',
    description: 'Body: `{ ids }` (1 to 100 of the caller’s notifications’ ids), or `{}` for all. The same 204 again, so a retry is safe: one read already keeps when, and an id that is not one of the caller’s changes nothing. A guest is refused with 403 `urn:chorus:problem:account-required`.',
  })
  @HttpCode(204)
  @ApiZodBody(notificationsReadSchema, 'Which notifications; leave `ids` out for all.')
  @ApiNoContentResponse({ description: 'Marked read' })
  @ApiProblemResponse()
  async markRead(@Body(new ZodPipe(notificationsReadSchema)) input: NotificationsRead, @CurrentUser() user: AuthUser): Promise<void> {
    await this.notifications.markRead(input, user);
  }
}
