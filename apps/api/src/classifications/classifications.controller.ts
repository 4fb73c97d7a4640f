import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { classificationStoredSchema, ownClassificationListSchema } from '@chorus/client';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { HeaderValue } from '../common/header.decorator';
import { ApiZodBody, ApiZodResponse, errorsOf, unwrap, unwrapAlong, ZodPipe } from '../common/zod';
import { validateWith } from '@chorus/tasks';
import { ClassificationsService } from './classifications.service';
import { classificationSchema, idempotencyKeySchema } from './dto/classification.dto';
import { type OwnClassificationsQuery, ownClassificationsQuerySchema } from './dto/own-classifications.dto';

@ApiTags('classifications')
@ApiBearerAuth()
@Controller('classifications')
export class ClassificationsController {
  constructor(private readonly classifications: ClassificationsService) {}

  /**
   * 201 with the new id; 200 with the first id when the idempotency key was seen before. On a gold-standard subject
   * of a workflow with `feedback: true`, also `feedback: [{ task, expected, correct }]`, the known answers.
   */
  @Post()
  @ApiOperation({
    summary: 'Stores a classification',
    description:
      'Refusals, with nothing stored: 422 `urn:chorus:problem:workflow-not-open` (at `/workflowId`) when the caller may not classify in the workflow, as when its project was taken back to draft while they classified; ' +
      '422 `urn:chorus:problem:validation-failed` naming each bad field; 409 `urn:chorus:problem:already-classified` when the caller has classified the subject before.',
  })
  @ApiZodBody(classificationSchema)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'A fresh random key per classification (a UUID will do); the same key on a retry.',
    schema: { type: 'string', minLength: idempotencyKeySchema.minLength ?? undefined, maxLength: idempotencyKeySchema.maxLength ?? undefined },
  })
  @ApiZodResponse(classificationStoredSchema, {
    status: 201,
    description: 'Stored',
    also: { status: 200, description: 'The idempotency key was used before, with the same body: the first answer (without currentVersion; `paused` as the workflow is now)' },
  })
  async submitClassification(
    @Body() body: unknown,
    @HeaderValue('idempotency-key') key: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // One refusal names every field at fault: the body's, its answers' (read against the workflow version), the key's.
    const idempotencyKey = validateWith(idempotencyKeySchema, key, '/headers/idempotency-key');
    const input = await unwrapAlong(validateWith(classificationSchema, body), errorsOf(idempotencyKey), (valid) => this.classifications.checkAnswers(valid, user));
    const result = await this.classifications.submit(input, unwrap(idempotencyKey), user);
    const { replayed, ...stored } = result;
    void reply.status(replayed ? 200 : 201);
    return stored;
  }

  @Get()
  @ApiOperation({
    summary: 'The caller’s own classifications, newest first, with the subjects as volunteers see them, and (on the first page) how many in all.',
    description:
      'Any bearer token, an account’s or a guest’s: what the caller classified, to look back at, each with the project (`id`, `slug`, `title`) and workflow (`id`, `name`) it was made in; `open` false when the workflow is no longer open to the caller (its project taken back to draft): still listed, not to classify in; one of a project the operators took down comes with `project` and `workflow` null, its subject without content and no answers, to whoever is not its member. Only the caller’s own are ever listed. `workflowId` gives one workflow’s only (and its total). Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after` for the next page, which comes without `total` (counted on the first page only). A researcher’s download of every volunteer’s classifications is GET /workflows/:id/classifications.',
  })
  @ApiQuery({ name: 'workflowId', required: false, description: 'Only those of this workflow (and its total)', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(ownClassificationListSchema)
  listOwnClassifications(@Query(new ZodPipe(ownClassificationsQuerySchema, '/query')) query: OwnClassificationsQuery, @CurrentUser() user: AuthUser) {
    return this.classifications.mine(query, user);
  }
}
