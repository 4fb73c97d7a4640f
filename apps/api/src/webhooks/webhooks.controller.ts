import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WEBHOOK_EVENTS, WEBHOOK_LIMITS, newWebhookSchema, webhookDeliveryPageSchema, webhookDeliverySchema, webhookListSchema, webhookViewSchema } from '@chorus/client';
import { WEBHOOK_OLD_SECRET_HOURS } from '@chorus/db';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { IdempotentCreate } from '../idempotent-requests/idempotent-requests';
import { AccessFirst, routeAccess } from '../projects/access-first';
import { PROJECT_ADMINISTRATORS } from '../projects/project-access';
import { type DeliveriesQuery, type WebhookEdit, type WebhookInput, deliveriesQuerySchema, webhookEditSchema, webhookInputSchema } from './dto/webhooks.dto';
import { WebhooksService } from './webhooks.service';

const ADMINISTRATORS = 'The project’s owner and collaborators only, as for its details: anyone else (a scientist too) gets 403 (404 when the project is not public to them, as a draft is).';
/** A webhook's routes (`webhooks/:id/…`), for its project's administrators, asked first. */
const WEBHOOK_ADMINISTRATORS = routeAccess(WebhooksService, (webhooks, id, user) => webhooks.requireAdministrator(id, user));
const EVENTS = `\`events\`: one or more of ${WEBHOOK_EVENTS.map((event) => `\`${event}\``).join(', ')}`;
const URL = `\`url\`: an http or https address, at most ${WEBHOOK_LIMITS.urlLength} characters, with no user name or password in it, whose host is neither a loopback, private, link-local or reserved address nor a name resolving only to such (localhost…), unless the server sets WEBHOOKS_ALLOW_PRIVATE_ADDRESSES (422 at \`/url\` otherwise)`;

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('projects/:id/webhooks')
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @ApiOperation({
    summary: 'Registers a webhook of the project: Chorus POSTs each event it receives to its address, signed with its secret, which this answer shows once.',
    description: `Body: \`{ url, events }\`. ${URL}; ${EVENTS}. A project has at most ${WEBHOOK_LIMITS.perProject} webhooks (409 too-many-webhooks). ${ADMINISTRATORS}`,
  })
  @ApiZodBody(webhookInputSchema, 'Where to POST, and which events')
  @ApiZodResponse(newWebhookSchema, { status: 201, description: 'Registered; its secret is in this answer only' })
  @IdempotentCreate('webhook', 'is refused with 409 `urn:chorus:problem:webhook-already-made`, naming the webhook the first request made (`webhook`: its id, address and events), never its secret again, and makes no second webhook')
  @ApiProblemResponse({
    status: 409,
    description: `too-many-webhooks: the project has ${WEBHOOK_LIMITS.perProject} webhooks, delete one first; webhook-already-made: a retry under the Idempotency-Key of a webhook made already (\`webhook\` names it; its secret is not shown again); request-in-progress: a retry while the first is still being handled`,
  })
  @ApiProblemResponse()
  createWebhook(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(webhookInputSchema)) input: WebhookInput, @CurrentUser() user: AuthUser) {
    return this.webhooks.create(projectId, input, user);
  }

  @Get('projects/:id/webhooks')
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @ApiOperation({ summary: 'The project’s webhooks, oldest first (never their secrets).', description: ADMINISTRATORS })
  @ApiZodResponse(webhookListSchema)
  listWebhooks(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.webhooks.list(projectId, user);
  }

  @Patch('webhooks/:id')
  @AccessFirst(WEBHOOK_ADMINISTRATORS)
  @ApiOperation({
    summary: 'Changes a webhook’s address or its events, or turns it off or back on; its secret stays.',
    description: `Body: \`{ url?, events?, active? }\`, \`url\` and \`events\` as when it was made. ${URL}. \`active\`: true turns it back on (its failures in a row counted from 0 again), false turns it off by hand; while off, no event is kept for it and those waiting are given up on unsent. ${ADMINISTRATORS}`,
  })
  @ApiZodBody(webhookEditSchema, 'What changes')
  @ApiZodResponse(webhookViewSchema, { description: 'The webhook as it is now' })
  updateWebhook(@Param('id', uuidParam('id')) webhookId: string, @Body(new ZodPipe(webhookEditSchema)) input: WebhookEdit, @CurrentUser() user: AuthUser) {
    return this.webhooks.update(webhookId, input, user);
  }

  @Delete('webhooks/:id')
  @AccessFirst(WEBHOOK_ADMINISTRATORS)
  @HttpCode(204)
  @ApiOperation({ summary: 'Deletes a webhook, and its deliveries: those not yet made are never made.', description: ADMINISTRATORS })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblemResponse()
  async deleteWebhook(@Param('id', uuidParam('id')) webhookId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.webhooks.delete(webhookId, user);
  }

  @Post('webhooks/:id/secret')
  @AccessFirst(WEBHOOK_ADMINISTRATORS)
  @ApiOperation({
    summary: `Rotates a webhook’s secret: a new one, which this answer shows once; for ${WEBHOOK_OLD_SECRET_HOURS} hours deliveries carry a signature with each (\`Chorus-Signature: sha256=<new>,sha256=<old>\`), then with the new one only.`,
    description: `A rotation within those hours replaces the older secret: only the last two sign. ${ADMINISTRATORS}`,
  })
  @ApiZodResponse(newWebhookSchema, { status: 201, description: 'Rotated; its new secret is in this answer only' })
  @IdempotentCreate('secret', 'is refused with 409 `urn:chorus:problem:secret-already-rotated`, naming the webhook (`webhook`), never its secret again, and rotates nothing')
  @ApiProblemResponse({ status: 409, description: 'secret-already-rotated: a retry under the Idempotency-Key of a rotation made already; request-in-progress: a retry while the first is still being handled' })
  @ApiProblemResponse()
  rotateWebhookSecret(@Param('id', uuidParam('id')) webhookId: string, @CurrentUser() user: AuthUser) {
    return this.webhooks.rotateSecret(webhookId, user);
  }

  @Post('webhooks/:id/ping')
  @AccessFirst(WEBHOOK_ADMINISTRATORS)
  @ApiOperation({ summary: 'Sends the webhook a test event (`ping`), whatever events it receives: its delivery, to follow in its deliveries.', description: ADMINISTRATORS })
  @ApiZodResponse(webhookDeliverySchema, { status: 201, description: 'The test event’s delivery, waiting to be sent' })
  @ApiProblemResponse({ status: 409, description: 'webhook-turned-off: the webhook is off; turn it back on first (PATCH `{ active: true }`)' })
  pingWebhook(@Param('id', uuidParam('id')) webhookId: string, @CurrentUser() user: AuthUser) {
    return this.webhooks.ping(webhookId, user);
  }

  @Get('webhooks/:id/deliveries')
  @AccessFirst(WEBHOOK_ADMINISTRATORS)
  @ApiOperation({
    summary: 'The webhook’s deliveries, newest first, a page at a time: each event, its state, attempts, last status code or error.',
    description: `Paging: \`limit\` (1 to ${WEBHOOK_LIMITS.deliveriesPerPage}, default 20); the answer’s \`next\`, when there are more, goes in \`after\`. ${ADMINISTRATORS}`,
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: WEBHOOK_LIMITS.deliveriesPerPage, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(webhookDeliveryPageSchema)
  listWebhookDeliveries(@Param('id', uuidParam('id')) webhookId: string, @Query(new ZodPipe(deliveriesQuerySchema, '/query')) query: DeliveriesQuery, @CurrentUser() user: AuthUser) {
    return this.webhooks.deliveries(webhookId, query, user);
  }
}
