import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { TRANSCRIPTION_FORMATS } from '@chorus/client';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { KeyScope } from '../auth/key-scopes';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiProblemResponse, ApiZodQuery, uuidParam } from '../common/zod';
import { type TranscriptionsQuery, downloadTokenSchema, transcriptionsQuery } from './dto/download.dto';
import { Download, DownloaderFirst } from './downloader-first';
import { ApiSubjectSet, downloadScope, send } from './exports.controller';
import { type AllowedDownload, ExportsService } from './exports.service';
import { IIIF_COUNT_HEADERS, TRANSCRIPTIONS_IN_WORDS } from './transcription-documents';

/** One transcription task's consensus as documents (FromThePage's and Concordia's exports): plain text, IIIF annotations, or TEI. */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('workflows/:id')
export class TranscriptionsDownloadController {
  constructor(private readonly exports: ExportsService) {}

  @Get('transcriptions')
  @Public()
  @KeyScope(downloadScope('consensus'))
  // The consensus as documents: the consensus download's rights. On purpose, a consensus download link (kind
  // consensus, signed for this workflow) opens it too, its path changed: the same data, so no kind of its own to ask for.
  // A classifications link, or another workflow's, is refused (transcriptions-download.test pins both).
  @DownloaderFirst('consensus')
  @ApiOkResponse({
    description:
      'An attachment streamed: with format=text, plain UTF-8 text (`text/plain`), a page per subject; with format=iiif, a IIIF Presentation 3 AnnotationPage (`application/ld+json`, profile the Presentation 3 context); with format=tei, a TEI P5 XML document (`application/tei+xml`), a page break and a block of text per subject',
    content: { 'text/plain; charset=utf-8': { schema: { type: 'string' } }, 'application/ld+json': { schema: { type: 'object' } }, 'application/tei+xml; charset=utf-8': { schema: { type: 'string' } } },
    headers: {
      [IIIF_COUNT_HEADERS.annotations]: { description: 'format=iiif only: how many annotations the page holds', schema: { type: 'integer' } },
      [IIIF_COUNT_HEADERS.withoutText]: { description: 'format=iiif only: canvases left out, without a text (or a blank one)', schema: { type: 'integer' } },
      [IIIF_COUNT_HEADERS.notCanvas]: { description: 'format=iiif only: subjects left out, not from a IIIF manifest (no canvas to target)', schema: { type: 'integer' } },
      [IIIF_COUNT_HEADERS.takenDown]: { description: 'format=iiif only: subjects left out, taken down by the project’s team', schema: { type: 'integer' } },
    },
  })
  @ApiTooManyRequestsResponse({ description: 'Problem `too-many-downloads`, with `Retry-After`, as the consensus download' })
  @ApiServiceUnavailableResponse({ description: 'Problem `exports-busy`, with `Retry-After`, as the consensus download' })
  @ApiProblemResponse()
  @ApiQuery({ name: 'task', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 }, description: 'The key of a transcription task of the workflow (of any version), such as T0: another task, a key no task has, or none, is refused (422 naming `task` and the workflow\'s transcription tasks)' })
  @ApiQuery({ name: 'format', required: false, schema: { type: 'string', enum: [...TRANSCRIPTION_FORMATS], default: 'text' } })
  @ApiSubjectSet('pages, in the set’s own order (its members’ positions),')
  @ApiZodQuery('token', downloadTokenSchema, {
    required: false,
    description: 'A consensus download link’s (POST /workflows/:id/download-links, kind consensus, made without a format), in place of the Authorization header; never a personal API key',
  })
  @ApiOperation({
    summary: 'Download one transcription task’s consensus as documents: plain text, a IIIF AnnotationPage or a TEI document (researchers only).',
    description: TRANSCRIPTIONS_IN_WORDS,
  })
  async getTranscriptions(
    @Param('id', uuidParam('id')) _workflowId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(transcriptionsQuery) query: TranscriptionsQuery,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @RequestOrigin() origin: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedDownload,
  ) {
    return send(reply, await this.exports.transcriptions(download, query.task, query.format, origin, query.subjectSetId), acceptEncoding);
  }
}
