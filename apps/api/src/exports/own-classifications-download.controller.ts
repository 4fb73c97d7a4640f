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
import { OWN_CLASSIFICATION_COLUMNS, OWN_CLASSIFICATION_JSON_COLUMNS } from './own-classification-rows';

/** A volunteer's download of what they classified, in every project: their contribution, theirs to take elsewhere. */
@ApiTags('account')
@ApiDownloadQueries('POST /account/download-links')
@Controller('account')
export class OwnClassificationsDownloadController {
  constructor(private readonly exports: ExportsService) {}

  @Get('classifications.:format')
  @Public()
  @KeyScope('downloads')
  @DownloaderFirst('own-classifications')
  @ApiParam({ name: 'format', enum: EXPORT_FORMATS, description: 'classifications.csv, classifications.json or classifications.ndjson' })
  @ApiDownloadResponse()
  @ApiOperation({
    summary: 'Download every classification the caller made, in every project, one flat row each (accounts only).',
    description: columnsInWords(
      'One row per classification the account made (those a sign-in carried in from a guest too), in every project, oldest first (created_at, then classification_id). Only the account’s own answers: nothing other volunteers wrote, no known answers of gold-standard subjects, no metadata keys the team keeps private. A guest gets 403 `urn:chorus:problem:account-required`: sign in (a guest’s classifications come with it) to download them. A `downloads` API key may make it. The format is in the path; the `format` parameter is not taken.',
      OWN_CLASSIFICATION_COLUMNS,
      { json: OWN_CLASSIFICATION_JSON_COLUMNS },
    ),
  })
  async getOwnClassifications(
    @Param('format', ownDownloadFormat('classifications')) format: ExportFormat,
    @Query(ownDownloadQuery) { bom }: OwnDownloadQuery,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedOwnDownload,
  ) {
    return send(reply, await this.exports.ownClassifications(download, { format, bom }), acceptEncoding);
  }

  @Post('download-links')
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'Makes a link to the download of the caller’s own classifications that needs no Authorization header, for 10 minutes (accounts only).',
    description:
      'Body: `{ "format"? }`: `csv` (the default), `json` or `ndjson`, which the link’s path then names. For a browser to save the file as it streams. Add `bom` to the link as to the download. The link stops working when the session that asked for it signs out, or the API key that asked for it is revoked. A guest gets 403 `urn:chorus:problem:account-required`.',
  })
  @HttpCode(201)
  @ApiZodBody(formatLinkSchema)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the download of the caller’s own classifications that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  createOwnClassificationsLink(
    @Body(new ZodPipe(formatLinkSchema)) { format }: FormatLinkRequest,
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: TokenSession,
    @RequestOrigin() origin: string | undefined,
  ) {
    return this.exports.ownLink('own-classifications', format ?? 'csv', user, session, origin);
  }
}
