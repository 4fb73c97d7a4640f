import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { downloadLinkSchema } from '@chorus/client';
import { type AuthUser, CurrentSession, CurrentUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiZodResponse, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';
import { COMMENT_COLUMNS, COMMENT_LIST_COLUMNS } from './comment-rows';
import { type DownloadQuery, downloadForm, downloadQuery } from './dto/download.dto';
import { Download, DownloaderFirst } from './downloader-first';
import { ApiDownloadQueries, ApiDownloadResponse, ApiSince, columnsInWords, send } from './exports.controller';
import { type AllowedProjectDownload, ExportsService } from './exports.service';

/** The comments download (Zooniverse's comments export): every comment of the project's subjects' discussions, for its data team. */
@ApiTags('exports')
@ApiDownloadQueries('POST /projects/:id/comments/download-links')
@Controller('projects/:id/comments')
export class CommentsDownloadController {
  constructor(private readonly exports: ExportsService) {}

  @Get('download')
  @Public()
  @KeyScope('downloads')
  @DownloaderFirst('comments')
  @ApiDownloadResponse()
  @ApiSince(
    "the comments that changed (`updated_at`: posted, edited, hidden or shown again, their author's account deleted, reported, their reports dismissed), then a tombstone (`deleted_at`) for each comment deleted",
  )
  @ApiOperation({
    summary: 'Download every comment of the project’s subjects’ discussions, hidden ones included (flagged), one flat row each (researchers only).',
    description: columnsInWords(
      'One row per comment, oldest first (created_at, then comment_id; with since=, the same order, then the tombstones of comments deleted). A `downloads` API key of a researcher of the project may make it.',
      COMMENT_COLUMNS,
      { lists: COMMENT_LIST_COLUMNS },
    ),
  })
  async getComments(
    @Param('id', uuidParam('id')) _projectId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(downloadQuery) query: DownloadQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedProjectDownload,
  ) {
    return send(reply, await this.exports.comments(download, downloadForm(query, accept), query.since), acceptEncoding);
  }

  @Post('download-links')
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'Makes a link to the comments download that needs no Authorization header, for 10 minutes (the project’s researchers).',
    description: 'No body. As the workflows’ download links (POST /workflows/:id/download-links): add `format`, `since` and `bom` to the link; it stops working when the session (or API key) that asked for it signs out (is revoked). Anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(PROJECT_RESEARCHERS)
  @HttpCode(201)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the comments download that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  createCommentsLink(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser, @CurrentSession() session: TokenSession, @RequestOrigin() origin: string | undefined) {
    return this.exports.projectLink(projectId, 'comments', user, session, origin);
  }
}
