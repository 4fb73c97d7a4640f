import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EXPORT_FORMATS, type ExportFormat, downloadLinkSchema } from '@chorus/client';
import { type AuthUser, CurrentSession, CurrentUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { type FormatLinkRequest, type OwnDownloadQuery, ownDownloadFormat, formatLinkSchema, ownDownloadQuery } from './dto/download.dto';
import { Download, DownloaderFirst } from './downloader-first';
import { ApiDownloadQueries, ApiDownloadResponse, columnsInWords, send } from './exports.controller';
import { type AllowedOwnDownload, ExportsService } from './exports.service';
import { OWN_COMMENT_COLUMNS, OWN_COMMENT_LIST_COLUMNS } from './own-comment-rows';

/** A volunteer's download of what they wrote in discussions, in every project: their words, theirs to keep (GDPR's right of access). */
@ApiTags('account')
@ApiDownloadQueries('POST /account/comments/download-links')
@Controller('account')
export class OwnCommentsDownloadController {
  constructor(private readonly exports: ExportsService) {}

  @Get('comments.:format')
  @Public()
  @KeyScope('downloads')
  @DownloaderFirst('own-comments')
  @ApiParam({ name: 'format', enum: EXPORT_FORMATS, description: 'comments.csv, comments.json or comments.ndjson' })
  @ApiDownloadResponse()
  @ApiOperation({
    summary: 'Download every comment the caller wrote, in every project’s discussions, one flat row each (accounts only).',
    description: columnsInWords(
      'One row per comment the account wrote and has not deleted, hidden ones included (flagged), in every project, oldest first (created_at, then comment_id): what GET /account/comments lists. Comments in projects the account may no longer read are in it too, without a link to their discussion (and, for a project Chorus’s operators took down, without its slug and title). Only the account’s own words: no other volunteer’s comments, no names, no reports, no subject content. A guest gets 403 `urn:chorus:problem:account-required` (guests write no comments). A `downloads` API key may make it. The format is in the path; the `format` parameter is not taken.',
      OWN_COMMENT_COLUMNS,
      { lists: OWN_COMMENT_LIST_COLUMNS },
    ),
  })
  async getOwnComments(
    @Param('format', ownDownloadFormat('comments')) format: ExportFormat,
    @Query(ownDownloadQuery) { bom }: OwnDownloadQuery,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedOwnDownload,
    @RequestOrigin() origin: string | undefined,
  ) {
    return send(reply, await this.exports.ownComments(download, { format, bom }, origin), acceptEncoding);
  }

  @Post('comments/download-links')
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'Makes a link to the download of the caller’s own comments that needs no Authorization header, for 10 minutes (accounts only).',
    description:
      'Body: `{ "format"? }`: `csv` (the default), `json` or `ndjson`, which the link’s path then names. As the link to the caller’s classifications (POST /account/download-links): add `bom` to it; it stops working when the session that asked for it signs out, or the API key that asked for it is revoked. A guest gets 403 `urn:chorus:problem:account-required`.',
  })
  @HttpCode(201)
  @ApiZodBody(formatLinkSchema)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the download of the caller’s own comments that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  createOwnCommentsLink(
    @Body(new ZodPipe(formatLinkSchema)) { format }: FormatLinkRequest,
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: TokenSession,
    @RequestOrigin() origin: string | undefined,
  ) {
    return this.exports.ownLink('own-comments', format ?? 'csv', user, session, origin);
  }
}
