import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { completionMailsStoppedSchema, discussionMailsStoppedSchema, notificationPageSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, Public } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { type NotificationsQuery, type NotificationsRead, notificationsQuerySchema, notificationsReadSchema } from './dto/notifications.dto';
import { type UnsubscribeBody, type UnsubscribeQuery, unsubscribeBodySchema, unsubscribeQuerySchema, unsubscribeTokenOf } from '../project-news/dto/project-news.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('discussions')
@ApiBearerAuth()
@Controller('account/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'The caller’s notifications from subjects’ and boards’ discussions (Talk) and of workflows complete, newest first, a page at a time, with how many are unread.',
    description:
      'A volunteer with an account is told when someone else replies to one of their comments (`reply`), mentions them by their display name, `@name` (`mention`: only a name exactly one account has), or writes `@team` in a project whose team (its researchers and moderators) they are on (`team-mention`), or comments in a discussion they follow, a subject’s or a board’s (`discussion`: they commented in it before, started it, or followed it with PUT /subjects/:id/follow or PUT /board-discussions/:id/follow, and did not unfollow it; not while stopped from commenting in the project); one notification a comment, the first of these reasons, never of their own. Each with an excerpt of the comment, its author, its subject and project. And (`workflow-complete`, with `workflow` in place of `comment`) when a workflow they classified in, or whose project they research (`RESEARCHER_ROLES`), is complete: every subject retired and none to come, or finished by its researchers; once per completion (a workflow reopened and complete again is told again), never to a volunteer its project stopped from commenting or keeps out of its consensus; with its name, project, how many subjects were done, whether the caller researches the project (`team`: the lab’s downloads are theirs) and whether the project publishes its results; mailed too with `completionMails` (researchers; on as every account starts) or `volunteerCompletionMails` (off until asked for). A comment hidden or deleted since, or in a project the caller may no longer see, is left out (and from `unread`). An account that asked for it (`PATCH /account { "discussionMails": true }` for replies and mentions, `{ "followedDiscussionMails": true }` for `discussion`) and has a verified email is also mailed of each as it is given, in its language. Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after`. A guest is refused with 403 `urn:chorus:problem:account-required`.',
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

@ApiTags('discussions')
@Controller('discussion-unsubscriptions')
export class DiscussionUnsubscriptionsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stops the mails of replies, mentions, followed discussions or reports from the link in one of them: one click, no sign-in (the token is the link’s).',
    description:
      'As `POST /news-unsubscriptions` ends a subscription to news: the token in a JSON body `{ token }` (as the unsubscription page sends it), or in the query (`?token=`), as the mail’s `List-Unsubscribe` header has it, for a mail client’s one-click POST (RFC 8058). The account’s `discussionMails` turns false (answering `{ discussionMails: false }`), or, from a mail of a discussion it follows, its `followedDiscussionMails` (answering `{ followedDiscussionMails: false }`), or, from a mail of reports in a project it moderates, its `reportMails` (answering `{ reportMails: false }`), and its mails of that kind not yet sent are dropped; again, the same answer. 422 at `/token` (or `/query/token`) for a token that is not a discussion or report mail’s, or none.',
  })
  @ApiQuery({ name: 'token', required: false, description: 'The token of the discussion mail’s unsubscription link, as its `List-Unsubscribe` header has it', schema: { type: 'string' } })
  @ApiZodBody(unsubscribeBodySchema, 'The token of the discussion mail’s unsubscription link (or none, with the token in the query)')
  @ApiZodResponse(discussionMailsStoppedSchema, { description: 'Stopped (or they were already)' })
  stopByLink(@Query(new ZodPipe(unsubscribeQuerySchema, '/query')) query: UnsubscribeQuery, @Body(new ZodPipe(unsubscribeBodySchema.optional())) body: UnsubscribeBody) {
    return this.notifications.stopMailsByLink(unsubscribeTokenOf(query, body));
  }
}

@ApiTags('discussions')
@Controller('completion-unsubscriptions')
export class CompletionUnsubscriptionsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stops the mails of completed workflows from the link in one of them: one click, no sign-in (the token is the link’s).',
    description:
      'As `POST /discussion-unsubscriptions`: the token in a JSON body `{ token }`, or in the query (`?token=`), as the mail’s `List-Unsubscribe` header has it (RFC 8058). From a mail to a project’s researcher, the account’s `completionMails` turns false (answering `{ completionMails: false }`); from one to a volunteer, its `volunteerCompletionMails` (answering `{ volunteerCompletionMails: false }`); its mails of completions not yet sent are dropped; again, the same answer. 422 at `/token` (or `/query/token`) for a token that is not a completion mail’s, or none.',
  })
  @ApiQuery({ name: 'token', required: false, description: 'The token of the completion mail’s unsubscription link, as its `List-Unsubscribe` header has it', schema: { type: 'string' } })
  @ApiZodBody(unsubscribeBodySchema, 'The token of the completion mail’s unsubscription link (or none, with the token in the query)')
  @ApiZodResponse(completionMailsStoppedSchema, { description: 'Stopped (or they were already)' })
  stopByLink(@Query(new ZodPipe(unsubscribeQuerySchema, '/query')) query: UnsubscribeQuery, @Body(new ZodPipe(unsubscribeBodySchema.optional())) body: UnsubscribeBody) {
    return this.notifications.stopCompletionMailsByLink(unsubscribeTokenOf(query, body));
  }
}
