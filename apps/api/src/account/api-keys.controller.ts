import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { API_KEY_LIMITS, API_KEY_PREFIX, API_KEY_SCOPES, API_KEY_SCOPES_IN_WORDS, API_KEY_SHOWN_CHARACTERS, apiKeyListSchema, newApiKeySchema } from '@chorus/client';
import { type AuthUser, CurrentUser, SessionRequired } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { IdempotentCreate } from '../idempotent-requests/idempotent-requests';
import { ApiKeysService } from './api-keys.service';
import { type ApiKeyRequest, apiKeyRequestSchema } from './dto/api-keys.dto';

const KeyRefused = () => ApiForbiddenResponse({ description: 'session-required: sent with an API key (keys are managed signed in); account-required: a guest has no keys' });

/** Managed with a session's token only: a key that could make keys would outlive its own revocation. */
@ApiTags('account')
@ApiBearerAuth()
@Controller('account/api-keys')
@SessionRequired()
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Makes a personal API key, for a script to call the API as this account (its secret is shown once).',
    description: `Body: \`{ "name", "scope"?, "expiresAt"? }\`: what the key is for (1 to ${API_KEY_LIMITS.nameLength} characters, one line), what it may do (${API_KEY_SCOPES.map((scope) => `\`${scope}\`, ${API_KEY_SCOPES_IN_WORDS[scope]}`).join('; ')}; \`full\` by default, as keys made before scopes; a request the key's scope does not reach is refused 403 \`urn:chorus:problem:api-key-scope\`, naming \`keyScope\` and \`neededScope\`, and changes nothing) and when it expires (in the future, at most ${API_KEY_LIMITS.maxDays} days away; ${API_KEY_LIMITS.defaultDays} days from now by default). The answer's \`secret\` goes in \`Authorization: Bearer <secret>\` as a session's token does, for every route but those that manage keys, the password or the email, sign out or delete the account (403 \`urn:chorus:problem:session-required\`); Chorus keeps only a digest of it, so it is never shown again. The account's email, if verified, is mailed a notice of the key (its name, prefix and scope, when it was made and expires, how to revoke it), kept with the key in one transaction. Needs a signed-in session's token (403 \`urn:chorus:problem:session-required\` with a key; 403 \`urn:chorus:problem:account-required\` for a guest). The answer's \`prefix\` (\`${API_KEY_PREFIX}\` and the secret's next ${API_KEY_SHOWN_CHARACTERS} characters) is kept, and listed, to tell which key a script holds; \`GET /account\` sent with the key names it, with when it expires. Refusals: 422 \`urn:chorus:problem:validation-failed\` naming \`/name\`, \`/scope\` (with the scopes it takes) or \`/expiresAt\`; 409 \`urn:chorus:problem:too-many-api-keys\` when the account has ${API_KEY_LIMITS.perAccount} keys in force (revoke one first). With an \`Idempotency-Key\`, a retry is never answered the secret again (Chorus does not keep it) nor makes a second key: 409 \`urn:chorus:problem:api-key-already-made\`, its \`apiKey\` the key made (id, name, scope, prefix).`,
  })
  @HttpCode(201)
  @ApiZodBody(apiKeyRequestSchema)
  @ApiZodResponse(newApiKeySchema, { status: 201, description: 'The new key and its secret, shown this once: keep it where the script reads it' })
  @KeyRefused()
  @IdempotentCreate('API key', "is refused with 409 `urn:chorus:problem:api-key-already-made`, naming the key the first request made (`apiKey`: its id, name, scope and prefix), never its secret again, and makes no second key")
  @ApiProblemResponse({
    status: 409,
    description: `too-many-api-keys: the account has ${API_KEY_LIMITS.perAccount} keys in force, revoke one first; api-key-already-made: a retry under the Idempotency-Key of a key made already (\`apiKey\` names it; its secret is not shown again); request-in-progress: a retry while the first is still being handled`,
  })
  @ApiProblemResponse()
  create(@Body(new ZodPipe(apiKeyRequestSchema)) request: ApiKeyRequest, @CurrentUser() user: AuthUser) {
    return this.apiKeys.create(user, request);
  }

  @Get()
  @ApiOperation({
    summary: 'The account’s API keys, newest first, with what each may do (`scope`), when it expires and was last used (never their secrets).',
    description: 'Expired keys are listed (until 30 days after they expired) so that their owner sees why a script stopped; revoked ones are not. `prefix` is the secret\'s first characters (`chorus_AbC1`), to tell which key a script holds (null for a key made before Chorus kept them). `lastUsedAt` is written at most once a minute per key. Needs a signed-in session’s token (403 `urn:chorus:problem:session-required` with a key); a guest has none.',
  })
  @ApiZodResponse(apiKeyListSchema, { description: "The account's keys that are not revoked, newest first" })
  @KeyRefused()
  list(@CurrentUser() user: AuthUser) {
    return this.apiKeys.list(user);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revokes an API key: it stops working at once, on every API process, as do the download links asked for with it.',
    description: 'No body. The account’s verified email is mailed a notice of it (the key’s name, prefix and scope), kept with the revocation in one transaction. Sent again: 204 again, nothing changes, nothing is mailed. Needs a signed-in session’s token (403 `urn:chorus:problem:session-required` with a key). 404 (at `/params/id`) for a key that is not the caller’s; 422 naming `/params/id` for an id that is not a UUID. A script sending the key is then answered 401 `urn:chorus:problem:api-key-revoked`.',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The key is revoked: refused on every API process at once (within 30 seconds should Redis lose the news)' })
  @KeyRefused()
  @ApiProblemResponse()
  async revoke(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.apiKeys.revoke(user, id);
  }
}
