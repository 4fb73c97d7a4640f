import { collectedSubjectPageSchema, collectionPageSchema, collectionSchema } from '@chorus/client';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { revalidated } from '../common/cache-control';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { CollectionsService } from './collections.service';
import {
  type CollectionSubjectsQuery,
  type CreateCollectionInput,
  type MyCollectionsQuery,
  type UpdateCollectionInput,
  collectionSubjectsQuerySchema,
  createCollectionSchema,
  myCollectionsQuerySchema,
  updateCollectionSchema,
} from './dto/collection.dto';

const ACCOUNTS_ONLY = 'Accounts only: a guest gets 403 `urn:chorus:problem:account-required`.';
const OWNER_ONLY = 'The owner’s only: anyone else gets 404, as for no such collection.';

@ApiTags('collections')
@ApiBearerAuth()
@Controller()
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Post('collections')
  @ApiOperation({
    summary: 'Creates a collection of the caller’s: a named set of subjects from any project, private unless `public`.',
    description: `Body: \`{ name, description?, public? }\`: a name of one line (1 to 100 characters), a description of up to 1,000 characters (null or "" for none), \`public\` true for everyone to read it by its address (false by default). At most 100 collections an account: the next is refused with 409 \`urn:chorus:problem:too-many-collections\` naming \`/name\`. ${ACCOUNTS_ONLY} 422 naming a bad field.`,
  })
  @ApiZodBody(createCollectionSchema)
  @IdempotentCreate('collection')
  @ApiZodResponse(collectionSchema, { status: 201, also: REPLAYED_CREATION })
  createCollection(@Body(new ZodPipe(createCollectionSchema)) input: CreateCollectionInput, @CurrentUser() user: AuthUser) {
    return this.collections.create(input, user);
  }

  @Get('collections/:id')
  @ApiOperation({
    summary: 'Reads a collection: a public one (no token needed), or one of the caller’s own.',
    description: 'A private collection is its owner’s only: anyone else gets 404, as for no such collection. `subjects` counts all it holds; GET /collections/:id/subjects lists those the reader may see. Anyone without credentials is answered `Cache-Control: no-cache` (a collection made private, or its owner’s profile turned off, is so at once).',
  })
  @Public()
  @ApiZodResponse(collectionSchema)
  getCollection(@Param('id', uuidParam('id')) id: string, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    revalidated(reply, user);
    return this.collections.read(id, user);
  }

  @Patch('collections/:id')
  @ApiOperation({
    summary: 'Renames a collection of the caller’s, changes its description, or makes it public or private.',
    description: `Body: any of \`{ name, description, public }\`, by the rules of POST /collections (422 naming \`/name\` for none). ${OWNER_ONLY} ${ACCOUNTS_ONLY}`,
  })
  @ApiZodBody(updateCollectionSchema)
  @ApiZodResponse(collectionSchema, { description: 'The collection, changed' })
  updateCollection(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(updateCollectionSchema)) changes: UpdateCollectionInput, @CurrentUser() user: AuthUser) {
    return this.collections.update(id, changes, user);
  }

  @Delete('collections/:id')
  @ApiOperation({
    summary: 'Deletes a collection of the caller’s (its subjects stay where they are, in their projects).',
    description: `The same 204 whether or not there was one of the caller’s, so a retry is safe; another’s collection is left as it is. ${ACCOUNTS_ONLY}`,
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'No collection of the caller’s has this id (any more)' })
  @ApiProblemResponse()
  async deleteCollection(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.collections.delete(id, user);
  }

  @Put('collections/:id/subjects/:subjectId')
  @ApiOperation({
    summary: 'Puts a subject in a collection of the caller’s.',
    description: `No body; answers the collection. The subject must be one the caller may read (its project open to volunteers, or theirs): 404 naming \`/params/subjectId\` otherwise. Already in it: 200, nothing changes. At most 1,000 subjects a collection, counted as the owner sees it (\`subjects\`: those of projects closed to them since are not): the next is refused with 409 \`urn:chorus:problem:collection-full\` naming \`/params/subjectId\`. At most 2,000 kept in all, those unseen included: the next is refused with 409 \`urn:chorus:problem:collection-keeps-too-many\` naming \`/params/subjectId\`. ${OWNER_ONLY} ${ACCOUNTS_ONLY}`,
  })
  @ApiZodResponse(collectionSchema, { status: 201, description: 'Added: the collection', also: { status: 200, description: 'It was in the collection already: the collection, unchanged' } })
  async addToCollection(
    @Param('id', uuidParam('id')) id: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { added, collection } = await this.collections.add(id, subjectId, user);
    void reply.status(added ? 201 : 200);
    return collection;
  }

  @Delete('collections/:id/subjects/:subjectId')
  @ApiOperation({
    summary: 'Takes a subject out of a collection of the caller’s.',
    description: `The same 204 whether or not it was in it, so a retry is safe. ${OWNER_ONLY} ${ACCOUNTS_ONLY}`,
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The subject is not in the collection (any more, or it never was: the same answer)' })
  @ApiProblemResponse()
  async removeFromCollection(@Param('id', uuidParam('id')) id: string, @Param('subjectId', uuidParam('subjectId')) subjectId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.collections.remove(id, subjectId, user);
  }

  @Get('collections/:id/subjects')
  @ApiOperation({
    summary: 'A page of a collection’s subjects, the latest added first, each as volunteers see it, with its project.',
    description:
      'Who may read the collection (GET /collections/:id) reads its subjects, but those of projects the reader may not read (a draft, or one taken down, to all but its members): they are left out, and come back once it opens. A subject taken down by its team is shown as such, and nothing of it, but to its team.',
  })
  @Public()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 24 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(collectedSubjectPageSchema)
  collectionSubjects(
    @Param('id', uuidParam('id')) id: string,
    @Query(new ZodPipe(collectionSubjectsQuerySchema, '/query')) query: CollectionSubjectsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
    @OptionalUser() user?: AuthUser,
  ) {
    revalidated(reply, user);
    return this.collections.subjects(id, query, user);
  }

  @Get('account/collections')
  @ApiOperation({
    summary: 'The caller’s collections, public and private, newest first.',
    description: `With \`subjectId\`, each says (\`hasSubject\`) whether it holds that subject: for an “Add to collection” menu. ${ACCOUNTS_ONLY}`,
  })
  @ApiQuery({ name: 'subjectId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(collectionPageSchema)
  listCollections(@Query(new ZodPipe(myCollectionsQuerySchema, '/query')) query: MyCollectionsQuery, @CurrentUser() user: AuthUser) {
    return this.collections.mine(query, user);
  }
}
