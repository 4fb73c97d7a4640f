import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { favouritePageSchema, favouriteSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { type FavouriteInput, type FavouritesQuery, favouriteInputSchema, favouritesQuerySchema } from './dto/favourite.dto';
import { FavouritesService } from './favourites.service';

@ApiTags('favourites')
@ApiBearerAuth()
@Controller()
export class FavouritesController {
  constructor(private readonly favourites: FavouritesService) {}

  @Put('subjects/:id/favourite')
  @ApiOperation({
    summary: 'Marks a subject a favourite of the caller’s (an account or a guest), to come back to, and as one volunteers found interesting.',
    description:
      'The body names the workflow the caller was shown the subject in, which they may see (404 naming `/workflowId` otherwise) and which has the subject (422 naming `/params/id`). ' +
      'Marking it again, from any workflow, changes nothing.',
  })
  @ApiZodBody(favouriteInputSchema)
  @ApiZodResponse(favouriteSchema, {
    status: 201,
    description: 'Marked',
    also: { status: 200, description: 'It was marked already: the favourite as it was (when, and from which workflow)' },
  })
  async markFavourite(
    @Param('id', uuidParam('id')) subjectId: string,
    @Body(new ZodPipe(favouriteInputSchema)) { workflowId }: FavouriteInput,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { replayed, ...favourite } = await this.favourites.mark(subjectId, workflowId, user);
    void reply.status(replayed ? 200 : 201);
    return favourite;
  }

  @Delete('subjects/:id/favourite')
  @ApiOperation({
    summary: 'Takes a subject off the caller’s favourites (an account or a guest).',
    description: 'The same 204 whether or not it was one, so a retry is safe.',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The subject is not a favourite of the caller’s (any more, or it never was: the same answer)' })
  @ApiProblemResponse()
  async unmarkFavourite(@Param('id', uuidParam('id')) subjectId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.favourites.unmark(subjectId, user);
  }

  @Get('account/favourites')
  @ApiOperation({
    summary: 'The caller’s favourites across projects, newest first, each with its subject as volunteers see it, its project and workflow, and where to classify.',
    description: 'Those of projects the caller may no longer see (taken back to draft) are left out, and come back if it opens again.',
  })
  @ApiQuery({ name: 'subjectId', required: false, description: 'Only this subject’s, if it is a favourite: whether it is one', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(favouritePageSchema)
  listFavourites(@Query(new ZodPipe(favouritesQuerySchema, '/query')) query: FavouritesQuery, @CurrentUser() user: AuthUser) {
    return this.favourites.mine(query, user);
  }
}
