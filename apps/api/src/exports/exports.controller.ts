import { Controller, Get, Param, Query, Res, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, uuidParam } from '../common/zod';
import { HeaderValue } from '../common/header.decorator';
import { type DownloadQuery, downloadForm, downloadQuery } from './dto/download.dto';
import { EXPORT_FORMATS, contentTypes, gzipAccepted } from './export-format';
import { type ExportDownload, gzipped } from './export-streams';
import { ExportsService } from './exports.service';
import { CLASSIFICATION_ANSWER_COLUMN, CLASSIFICATION_COLUMNS } from './classification-rows';
import { CONSENSUS_COLUMNS, CONSENSUS_TASK_COLUMNS } from './consensus-rows';

/** The `since` parameter in OpenAPI, of the rows each download holds. */
const ApiSince = (rows: string) =>
  ApiQuery({
    name: 'since',
    required: false,
    description: `Only ${rows} at or after this moment (ISO 8601: 2026-12-01 or 2026-12-01T09:30:00Z), for incremental downloads`,
    // A date alone is taken too, so not `format: date-time`, which a generated client would hold it to.
    schema: { oneOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }] },
  });

/** A download's columns as the OpenAPI document lists them: a line each, then those repeated per task. */
function columnsInWords(order: string, columns: Record<string, string>, perTask: Record<string, string>): string {
  const line = ([name, holds]: [string, string]) => `- \`${name}\`: ${holds}`;
  return [order, '', 'Columns, the same in every format:', ...Object.entries(columns).map(line), 'then, for every task:', ...Object.entries(perTask).map(([field, holds]) => line([`<task>_${field}`, holds]))].join('\n');
}

/** A download's answer in OpenAPI: a file in any of the formats, or a problem. */
const ApiDownloadResponse = () =>
  applyDecorators(
    ApiOkResponse({
      description: 'An attachment streamed in the chosen format (the `format` parameter, else the Accept header, else CSV), one flat row per subject or classification',
      content: Object.fromEntries(Object.values(contentTypes).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
    }),
    ApiProblemResponse(),
  );

/**
 * Sends a download as an attachment, gzipped for a client that takes it (flat rows shrink several times over). An error
 * on the way still destroys the response.
 */
function send(reply: FastifyReply, download: ExportDownload, acceptEncoding: string | undefined): FastifyReply {
  reply
    .header('content-type', download.contentType)
    .header('content-disposition', `attachment; filename="${download.filename}"`)
    .header('vary', 'Accept, Accept-Encoding'); // without `format`, the Accept header chose the format
  if (!gzipAccepted(acceptEncoding)) return reply.send(download.stream);
  const gzip = gzipped(download.stream);
  // A download that fails before its first byte is answered with a problem, in plain JSON.
  gzip.once('error', () => {
    if (!reply.raw.headersSent) reply.removeHeader('content-encoding');
  });
  return reply.header('content-encoding', 'gzip').send(gzip);
}

@ApiTags('exports')
@ApiBearerAuth()
@ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS })
@ApiQuery({
  name: 'bom',
  required: false,
  schema: { type: 'boolean', default: false },
  description: 'CSV only: open the file with a UTF-8 byte-order mark, so that Excel reads its accents as UTF-8 (other tools may then see it in the first column name)',
})
@Controller('workflows/:id')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('consensus')
  @ApiDownloadResponse()
  @ApiSince('the subjects whose row changed (`updated_at`)')
  @ApiOperation({
    summary: 'Download the consensus of every subject of the workflow, one flat row each (researchers only).',
    description: columnsInWords('One row per subject, in subject_id order.', CONSENSUS_COLUMNS, CONSENSUS_TASK_COLUMNS),
  })
  async getConsensus(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query(downloadQuery) query: DownloadQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return send(reply, await this.exports.consensus(workflowId, downloadForm(query, accept), user, query.since), acceptEncoding);
  }

  @Get('classifications')
  @ApiDownloadResponse()
  @ApiSince('the classifications stored or changed (`updated_at`: stored, or since flagged or unflagged `after_retirement`)')
  @ApiOperation({
    summary: 'Download every classification of the workflow, or those stored or changed since a moment, one flat row each (researchers only).',
    description: columnsInWords('One row per classification, in subject_id then user_id order.', CLASSIFICATION_COLUMNS, { answer: CLASSIFICATION_ANSWER_COLUMN }),
  })
  async getClassifications(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query(downloadQuery) query: DownloadQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    return send(reply, await this.exports.classifications(workflowId, downloadForm(query, accept), user, query.since), acceptEncoding);
  }
}
