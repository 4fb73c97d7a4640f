import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { downloadLinkSchema } from '@chorus/client';
import { type AuthUser, CurrentSession, CurrentUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiZodQuery, ApiZodResponse, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { SUBJECT_SET_RESEARCHERS } from '../subject-sets/subject-sets.service';
import { type SubjectSetFileQuery, downloadTokenSchema, subjectSetFileQuery } from './dto/download.dto';
import { Download, DownloaderFirst } from './downloader-first';
import { contentTypes } from './export-format';
import { ApiDownloadLimits, send } from './exports.controller';
import { type AllowedSubjectSetDownload, ExportsService } from './exports.service';

/** A subject set's subjects as the CSV file an upload reads (Zooniverse's subjects export), to correct and upload again. */
@ApiTags('subjects')
@ApiBearerAuth()
@Controller('subject-sets/:id')
export class SubjectSetFileController {
  constructor(private readonly exports: ExportsService) {}

  @Get('subjects.csv')
  @Public()
  @KeyScope('downloads')
  @DownloaderFirst('subjects')
  @ApiQuery({ name: 'format', required: false, enum: ['csv'] })
  @ApiQuery({ name: 'bom', required: false, description: '`true`: the file starts with a byte-order mark, so that Excel reads its accents as UTF-8', schema: { type: 'string', enum: ['true', 'false'], default: 'false' } })
  @ApiZodQuery('token', downloadTokenSchema, {
    required: false,
    description: 'A download link’s (POST /subject-sets/:id/download-links gives the whole link), in place of the Authorization header, so that a browser saves the file as it streams; never a personal API key, which goes in the Authorization header (401 naming `token`)',
  })
  @ApiOkResponse({ description: 'The set’s subjects as a CSV attachment, streamed, one row per subject in the set’s order', content: { [contentTypes.csv]: { schema: { type: 'string', format: 'binary' } } } })
  @ApiDownloadLimits()
  @ApiOperation({
    summary: 'Downloads a subject set’s subjects as the CSV file an upload reads, streamed, in the set’s order (its project’s researchers).',
    description:
      'Columns in the upload’s own names: `external_id`; the locations’ (`image_url`, `image_url_2`…, with `iiif_service` and `image_alt` beside an image when any of the set’s has one, then `audio_url`…, then `text`…, a text’s highlighted words marked `[[like this]]`), as many of each as the subject with the most has; then a column per metadata key, private ones included, named as the key, in code-point order (a text, number or true/false as it is, a list or an object as JSON, empty where the subject has none). ' +
      'Cells a spreadsheet would run as a formula start with an apostrophe, as in the other downloads, which the upload reads off again. Upload the file, corrected, into the set again (POST /subject-sets/:id/subjects): its subjects with an external id are found by it (one without is added again), their metadata replaced by the file’s (as text; an empty cell, also for a key the subject lacked, is stored as an empty text). Known answers and priorities are not in it. One upload takes at most 10,000 subjects and 16 MiB: split a larger set’s file. ' +
      'A set with a metadata key that the upload would read as another column (`text`, `Image URL`, `#priority`, `gold_standard_T0`…) is refused with 409 `subject-set-file-misread`, naming each key. ' +
      '`format=csv` (the only one) and `bom=true` (a byte-order mark, for Excel) may be given; anything else, 422 naming it. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  async download(
    @Param('id', uuidParam('id')) _subjectSetId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(subjectSetFileQuery) query: SubjectSetFileQuery,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedSubjectSetDownload,
  ) {
    return send(reply, await this.exports.subjectSetFile(download, query.bom), acceptEncoding);
  }

  @Post('download-links')
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'Makes a link to the set’s file (GET /subject-sets/:id/subjects.csv) that needs no Authorization header, for 10 minutes (the project’s researchers).',
    description: 'No body. As the other downloads’ links: a browser opens it and saves the file as it streams; add `bom=true` to the link for Excel. It stops working when the session (or API key) that asked for it signs out (is revoked). Anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(SUBJECT_SET_RESEARCHERS)
  @HttpCode(201)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the set’s file that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  createLink(@Param('id', uuidParam('id')) subjectSetId: string, @CurrentUser() user: AuthUser, @CurrentSession() session: TokenSession, @RequestOrigin() origin: string | undefined) {
    return this.exports.subjectSetLink(subjectSetId, user, session, origin);
  }
}
