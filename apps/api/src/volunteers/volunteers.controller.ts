import { PROFILE_LIMITS, collectionPageSchema, volunteerProfileSchema } from '@chorus/client';
import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, OptionalUser, Public } from '../auth/auth.decorators';
import { type PublicCollectionsQuery, publicCollectionsQuerySchema } from '../collections/dto/collection.dto';
import { revalidated } from '../common/cache-control';
import { ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { VolunteersService } from './volunteers.service';

const NO_PROFILE = 'A volunteer who shows no profile (`publicProfile` off: as every account starts), a deleted account, a guest and no account at all get the same 404, naming `/params/id`; a volunteer reads their own profile either way (`shown` false). `Cache-Control: no-cache` to anyone without credentials: a profile hidden is hidden at once.';

@ApiTags('volunteers')
@ApiBearerAuth()
@Controller('volunteers')
export class VolunteersController {
  constructor(private readonly volunteers: VolunteersService) {}

  @Get(':id')
  @ApiOperation({
    summary: 'A volunteer’s public profile: their display name, the month they joined, their public collections and their latest comments (no token needed).',
    description: `The first ${PROFILE_LIMITS.collections} public collections, newest first (\`collections.next\` goes in \`after\` of GET /volunteers/:id/collections for more), and the latest ${PROFILE_LIMITS.comments} comments the reader may read: none hidden by moderators, none on a subject its team took down, none in a project closed to the reader (a draft, or one taken down, but to its members); \`counts\` counts both alike. ${NO_PROFILE}`,
  })
  @Public()
  @ApiZodResponse(volunteerProfileSchema)
  getVolunteerProfile(@Param('id', uuidParam('id')) id: string, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    revalidated(reply, user);
    return this.volunteers.profile(id, user);
  }

  @Get(':id/collections')
  @ApiOperation({
    summary: 'A page of a volunteer’s public collections, newest first (no token needed).',
    description: `Each as GET /collections/:id gives it to the reader. ${NO_PROFILE}`,
  })
  @Public()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before (or of the profile’s `collections`)', schema: { type: 'string' } })
  @ApiZodResponse(collectionPageSchema)
  volunteerCollections(@Param('id', uuidParam('id')) id: string, @Query(new ZodPipe(publicCollectionsQuerySchema, '/query')) query: PublicCollectionsQuery, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    revalidated(reply, user);
    return this.volunteers.collectionsOf(id, query, user);
  }
}
