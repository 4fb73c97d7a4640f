import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { newsSubscribersSchema, newsSubscriptionSchema, projectNewsPageSchema, projectNewsSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { ApiRateLimited, type RateLimitNote, RateLimitNotes } from '../common/rate-limits';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';
import { type NewsEdit, type NewsInput, type NewsQuery, newsEditSchema, newsInputSchema, newsQuerySchema } from './dto/project-news.dto';
import { NEWS_MAIL_EVERY_HOURS, ProjectNewsService } from './project-news.service';

const RESEARCHERS = 'Anyone but the project’s researchers (owner, collaborators, scientists) gets 403 (404 when the project is not public to them, as a draft is).';
const READERS = 'No token needed for a public project; a draft’s (or one taken down) news is its members’ only (404 to others).';
const VOLUNTEERS = 'A signed-in account only (403 account-required for a guest); the project must be one the caller may see (404 otherwise). Mails go to a verified email only: `emailVerified` says whether the caller’s is.';

@ApiTags('news')
@ApiBearerAuth()
@Controller()
export class ProjectNewsController {
  constructor(private readonly news: ProjectNewsService) {}

  @Get('projects/:id/news')
  @Public()
  @ApiOperation({ summary: 'A project’s news, newest first, a page at a time.', description: `Paging: \`limit\` (1 to 50, default 10); the answer’s \`next\`, when there are more, goes in \`after\`. ${READERS}` })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(projectNewsPageSchema)
  listNews(@Param('id', uuidParam('id')) projectId: string, @Query(new ZodPipe(newsQuerySchema, '/query')) query: NewsQuery, @OptionalUser() user?: AuthUser) {
    return this.news.list(projectId, query, user);
  }

  @Get('projects/:id/news/:newsId')
  @Public()
  @ApiOperation({ summary: 'One item of a project’s news.', description: `404 at \`/params/newsId\` for an item not of the project. ${READERS}` })
  @ApiZodResponse(projectNewsSchema)
  getNews(@Param('id', uuidParam('id')) projectId: string, @Param('newsId', uuidParam('newsId')) newsId: string, @OptionalUser() user?: AuthUser) {
    return this.news.one(projectId, newsId, user);
  }

  @Post('projects/:id/news')
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({
    summary: 'Posts news of the project (researchers only), shown on its page; with `mail: true`, also mailed to the volunteers who asked for its news by mail.',
    description:
      'Body: `{ title, body, mail? }`: a title on one line (1 to 200 characters), a body in Markdown (1 to 20,000 characters). ' +
      'With `mail: true`, one mail per subscribed account with a verified email (that may still see the project) is kept in the post’s own transaction, worded in that account’s language around the news as written, with a one-click unsubscription link and `List-Unsubscribe` headers; `mailedTo` says how many. ' +
      `A project mails news at most once every ${NEWS_MAIL_EVERY_HOURS} hours: sooner, 429 with Retry-After, and nothing posted (post it without \`mail\`, or wait). News mails do not count against MAILS_PER_ADDRESS_PER_DAY (their readers asked for them). ${RESEARCHERS}`,
  })
  @IdempotentCreate('news item', 'is answered 200 with the first answer, and posts and mails nothing')
  @ApiRateLimited(`A mail of the project’s news less than ${NEWS_MAIL_EVERY_HOURS} hours before`)
  @ApiZodBody(newsInputSchema, 'The news (Markdown), and whether to mail it')
  @ApiZodResponse(projectNewsSchema, { status: 201, description: 'Posted (and mailed, with `mail`)', also: REPLAYED_CREATION })
  postNews(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(newsInputSchema)) input: NewsInput, @CurrentUser() user: AuthUser, @RateLimitNotes() note: RateLimitNote) {
    return this.news.post(projectId, input, user, note);
  }

  @Patch('projects/:id/news/:newsId')
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({ summary: 'Rewrites an item of the project’s news (researchers only); never mailed again.', description: `Body: \`{ title?, body? }\`, as a post’s (at least one: an empty body is refused, 422); \`editedAt\` says when. ${RESEARCHERS}` })
  @ApiZodBody(newsEditSchema, 'What changes')
  @ApiZodResponse(projectNewsSchema, { description: 'The item as it is now' })
  editNews(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('newsId', uuidParam('newsId')) newsId: string,
    @Body(new ZodPipe(newsEditSchema)) input: NewsEdit,
    @CurrentUser() user: AuthUser,
  ) {
    return this.news.edit(projectId, newsId, input, user);
  }

  @Delete('projects/:id/news/:newsId')
  @AccessFirst(PROJECT_RESEARCHERS)
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes an item of the project’s news (researchers only).', description: `Mails already sent are out of Chorus’s reach. 404 for an item not of the project. ${RESEARCHERS}` })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponse()
  async deleteNews(@Param('id', uuidParam('id')) projectId: string, @Param('newsId', uuidParam('newsId')) newsId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.news.delete(projectId, newsId, user);
  }

  @Get('projects/:id/news-subscribers')
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({ summary: 'How many accounts a news item mailed now would reach (researchers only).', description: `Subscribed accounts with a verified email that may see the project. ${RESEARCHERS}` })
  @ApiZodResponse(newsSubscribersSchema)
  countNewsSubscribers(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.news.subscribers(projectId, user);
  }

  @Get('projects/:id/news-subscription')
  @ApiOperation({ summary: 'Whether the caller gets the project’s news by mail (off until they ask for it).', description: VOLUNTEERS })
  @ApiZodResponse(newsSubscriptionSchema)
  getNewsSubscription(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.news.subscription(projectId, user);
  }

  @Put('projects/:id/news-subscription')
  @ApiOperation({ summary: 'Gets the project’s news by mail from now on (the caller’s account).', description: `Again: nothing changes. ${VOLUNTEERS}` })
  @ApiZodResponse(newsSubscriptionSchema)
  subscribeToNews(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.news.subscribe(projectId, user, true);
  }

  @Delete('projects/:id/news-subscription')
  @ApiOperation({ summary: 'Stops getting the project’s news by mail.', description: `Whether or not the caller did: the same answer. ${VOLUNTEERS}` })
  @ApiZodResponse(newsSubscriptionSchema)
  unsubscribeFromNews(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.news.subscribe(projectId, user, false);
  }
}
