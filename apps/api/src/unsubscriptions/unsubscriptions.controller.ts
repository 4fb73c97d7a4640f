import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { mailsStoppedSchema } from '@chorus/client';
import { Public } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { type UnsubscribeBody, type UnsubscribeQuery, unsubscribeBodySchema, unsubscribeQuerySchema, unsubscribeTokenOf } from './dto/unsubscriptions.dto';
import { EARLIER_UNSUBSCRIBE_ROUTES, UNSUBSCRIBE_ROUTE } from './unsubscribe-links';
import { UnsubscriptionsService } from './unsubscriptions.service';

const STOP =
  'The token goes in a JSON body `{ token }` (as the page `/unsubscribe#token=…` the mail’s text links to sends it), or in the query (`?token=`), as the mail’s `List-Unsubscribe` header has it, so that a mail client’s one-click POST (RFC 8058: a form `List-Unsubscribe=One-Click` of any encoding, which is not read) works too. ' +
  'The token says which mails it stops (`mails` in the answer): from a news mail, the account’s subscription to the project’s news ends (`news`, with the project); from a mail of a reply or mention, of a discussion it follows, of reports in a project it moderates, of a workflow completed in a project it researches or that it classified in, the account’s setting it was sent under turns false (`discussionMails`, `followedDiscussionMails`, `reportMails`, `completionMails`, `volunteerCompletionMails`), and its mails of that kind not yet sent are dropped. ' +
  'Again: the same answer. 422 at `/token` (or `/query/token`) for a token that is not a mail’s link’s, or none.';

@ApiTags('account')
@Controller()
export class UnsubscriptionsController {
  constructor(private readonly unsubscriptions: UnsubscriptionsService) {}

  @Post(UNSUBSCRIBE_ROUTE)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stops the mails of a kind from the link in one of them, whichever kind: one click, no sign-in (the token is the link’s).', description: STOP })
  @ApiQuery({ name: 'token', required: false, description: 'The token of the mail’s one-click stop, as its `List-Unsubscribe` header has it', schema: { type: 'string' } })
  @ApiZodBody(unsubscribeBodySchema, 'The token of the mail’s one-click stop (or none, with the token in the query)')
  @ApiZodResponse(mailsStoppedSchema, { description: 'Stopped (or they were already)' })
  stop(@Query(new ZodPipe(unsubscribeQuerySchema, '/query')) query: UnsubscribeQuery, @Body(new ZodPipe(unsubscribeBodySchema.optional())) body: UnsubscribeBody) {
    return this.unsubscriptions.stop(unsubscribeTokenOf(query, body));
  }

  /** The addresses of the stops the mails sent before there was one name in their `List-Unsubscribe` headers: they go on working. */
  @Post(EARLIER_UNSUBSCRIBE_ROUTES)
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'As POST /unsubscriptions, for the links of mails sent before it (each takes any mail’s token, and answers `{ mails, project }` as it does, no longer its earlier answer).', description: STOP, deprecated: true })
  @ApiQuery({ name: 'token', required: false, description: 'The token of the mail’s one-click stop, as its `List-Unsubscribe` header has it', schema: { type: 'string' } })
  @ApiZodBody(unsubscribeBodySchema, 'The token of the mail’s one-click stop (or none, with the token in the query)')
  @ApiZodResponse(mailsStoppedSchema, { description: 'Stopped (or they were already)' })
  stopByEarlierLink(@Query(new ZodPipe(unsubscribeQuerySchema, '/query')) query: UnsubscribeQuery, @Body(new ZodPipe(unsubscribeBodySchema.optional())) body: UnsubscribeBody) {
    return this.stop(query, body);
  }
}
