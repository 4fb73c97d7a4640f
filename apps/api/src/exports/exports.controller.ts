import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type ApiKeyScope, DOWNLOAD_SORTS, DOWNLOAD_METADATA, EXPORT_FORMATS, type ExportKind, downloadLinkSchema } from '@chorus/client';
import { type AuthUser, CurrentSession, CurrentUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { ApiProblemResponse, ApiZodBody, ApiZodQuery, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { type ClassificationsQuery, type ConsensusQuery, type DownloadLinkRequest, type DownloadQuery, classificationsQuery, consensusQuery, downloadForm, downloadLinkRequestSchema, downloadQuery, downloadSubjectSetSchema, downloadTokenSchema } from './dto/download.dto';
import { contentDisposition } from './download-names';
import { Download, DownloaderFirst } from './downloader-first';
import { DOWNLOAD_TIME_IN_WORDS, contentTypes, gzipAccepted, jsonColumnsInWords, listColumnsInWords } from './export-format';
import { type ExportDownload, NEXT_SINCE_HEADER, gzipped } from './export-streams';
import { type AllowedDownload, ExportsService } from './exports.service';
import { CLASSIFICATION_ANSWER_COLUMN, CLASSIFICATION_ASKED_FOR_CHECK_COLUMN, CLASSIFICATION_COLUMNS, CLASSIFICATION_JSON_COLUMNS_NAMED, CLASSIFICATION_LIST_COLUMNS_NAMED, CLASSIFICATION_SET_SINCE_COLUMNS } from './classification-rows';
import { CONSENSUS_COLUMNS, CONSENSUS_FIELD_COLUMNS_IN_WORDS, CONSENSUS_JSON_COLUMNS_NAMED, CONSENSUS_LAST_COLUMNS, CONSENSUS_LIST_COLUMNS_NAMED, CONSENSUS_REVIEWED_TOOL_COLUMNS_IN_WORDS, CONSENSUS_SET_SINCE_COLUMNS, CONSENSUS_TASK_COLUMNS, CONSENSUS_TOOL_COLUMNS_IN_WORDS, CONSENSUS_TRAILING_TASK_COLUMNS } from './consensus-rows';
import { METADATA_COLUMNS_IN_WORDS } from './metadata-columns';
import { SUBJECT_REPORT_COLUMNS } from './subject-report-rows';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_RESEARCHERS } from '../workflows/workflows.service';

/**
 * The narrowest API key scope that may make a download of `kind`, or a link to one: a `downloads` key, the subjects'
 * answers (consensus, classifications); volunteers' reports of subjects, whose notes are typed freely, need `read`.
 */
export const downloadScope = (kind: unknown): ApiKeyScope => (kind === ('subject-reports' satisfies ExportKind) ? 'read' : 'downloads');

/** The `since` parameter in OpenAPI, of the rows each download holds. */
export const ApiSince = (rows: string) =>
  ApiQuery({
    name: 'since',
    required: false,
    description: `Only ${rows} at or after this moment (ISO 8601: 2026-12-01 or 2026-12-01T09:30:00Z), for incremental downloads`,
    // A date alone is taken too, so not `format: date-time`, which a generated client would hold it to.
    schema: { oneOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }] },
  });

/**
 * A download's columns as the OpenAPI document lists them: a line each, then those repeated per task, if any, then
 * those repeated per task after every task's (`trailing`), then what follows them all (`last`), then which hold JSON
 * (`json`).
 */
export function columnsInWords(
  order: string,
  columns: Record<string, string>,
  {
    perTask = {},
    trailing = {},
    last = [],
    json = [],
    lists = [],
  }: { perTask?: Record<string, string>; trailing?: Record<string, string>; last?: string[]; json?: readonly string[]; lists?: readonly string[] } = {},
): string {
  const line = ([name, holds]: [string, string]) => `- \`${name}\`: ${holds}`;
  const ofTasks = (fields: Record<string, string>) => Object.entries(fields).map(([field, holds]) => line([`<task>_${field}`, holds]));
  const tasks = ofTasks(perTask);
  const afterTasks = ofTasks(trailing);
  return [
    order,
    '',
    'Columns, the same in every format and in this order (a JSON record\'s keys too):',
    ...Object.entries(columns).map(line),
    ...(tasks.length ? ['then, for every task:', ...tasks] : []),
    ...(afterTasks.length ? ["then, after every task's columns, for every task:", ...afterTasks] : []),
    ...last.map((words) => `- ${words}`),
    ...(json.length ? ['', jsonColumnsInWords(json)] : []),
    ...(lists.length ? ['', listColumnsInWords(lists)] : []),
    '',
    `Times: ${DOWNLOAD_TIME_IN_WORDS}.`,
  ].join('\n');
}

/** The `metadata` parameter in OpenAPI, of the downloads of subjects' answers. */
const ApiMetadata = () =>
  ApiQuery({
    name: 'metadata',
    required: false,
    schema: { type: 'string', enum: [...DOWNLOAD_METADATA], default: 'json' },
    description: `How the subjects' metadata is given: \`json\` (the default), one column that holds JSON, \`subject_metadata\`; \`columns\`, ${METADATA_COLUMNS_IN_WORDS.replace(/^with metadata=columns, /, '')}`,
  });

/** The `subjectSetId` parameter in OpenAPI, of the downloads of subjects' answers (`rows`: what it keeps of the set's). */
export const ApiSubjectSet = (rows: string) =>
  ApiZodQuery('subjectSetId', downloadSubjectSetSchema, {
    required: false,
    description: `Only the ${rows} of this subject set, one the workflow serves (one of its \`subjectSetIds\`, GET /workflows/:id): a subject in several of its sets is in each set's download. Another set (not linked to the workflow, unknown, or another project's) is refused, 422 naming \`subjectSetId\`. With \`since\` (the consensus and classifications), the set's changed rows, then a tombstone (\`left_subject_set_at\`) for each subject that left the set since and is not back; a download link keeps it (\`subjectSetId\` in its request's body)`,
  });

/** The `sort` parameter in OpenAPI, of the downloads of subjects' answers: `byId`, the default order; `eachSubject`, of a subject's several rows. */
const ApiSort = (byId: string, eachSubject: string) =>
  ApiQuery({
    name: 'sort',
    required: false,
    schema: { type: 'string', enum: [...DOWNLOAD_SORTS], default: 'id' },
    description: `The rows' order: \`id\` (the default), ${byId}; \`externalId\`, the researchers' externalIds in natural order (the numbers within them as numbers: \`p9\` before \`p10\`, \`letter-2-page-2\` before \`letter-2-page-10\`)${eachSubject}, subjects without one last in subject id order; with since= too`,
  });

/** A download's answer in OpenAPI: a file in any of the formats, or a problem. */
export const ApiDownloadResponse = () =>
  applyDecorators(
    ApiOkResponse({
      description: 'An attachment streamed in the chosen format (the `format` parameter, else the Accept header, else CSV), one row per subject, classification, report or comment, the same columns in every format (those that hold JSON: a JSON value in json and ndjson, its text in a CSV cell)',
      content: Object.fromEntries(Object.values(contentTypes).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
      headers: {
        [NEXT_SINCE_HEADER]: {
          description:
            'The `since` for the next incremental download (ISO 8601, UTC, to the millisecond): it gives every row changed after this download was read, including those of transactions still running while it was (a row is stamped when its transaction starts and shows when it commits), and may give some of this download\'s rows again: replace rows by their id',
          schema: { type: 'string', format: 'date-time' },
        },
      },
    }),
    ApiDownloadLimits(),
  );

/** What every download may answer besides its file: over the caller's own limit, the server's places all taken, or a problem. */
export const ApiDownloadLimits = () =>
  applyDecorators(
    ApiTooManyRequestsResponse({
      description:
        "Problem `too-many-downloads`, with `Retry-After`: a limit of the caller's own, so 429, not 503 (the server is up): one person may stream at most half of `EXPORTS_AT_ONCE` downloads at once (with the default, one at a time, whatever the workflow or kind, by token or download link), so let the one streaming finish (or cancel it), then ask again; and one whose last download was ended for reading too slowly waits `EXPORT_IDLE_SECONDS` before the next",
    }),
    ApiServiceUnavailableResponse({
      description:
        "Problem `exports-busy`, with `Retry-After`: the server's `EXPORTS_AT_ONCE` places are all taken by everyone's downloads (each holds a database connection while it streams), however few are the caller's; ask again after Retry-After",
    }),
    ApiProblemResponse(),
  );

/** The query parameters every download takes, in OpenAPI; `links`: the route that makes its links. */
export const ApiDownloadQueries = (links: string) =>
  applyDecorators(
    ApiBearerAuth(),
    ApiQuery({ name: 'format', required: false, enum: EXPORT_FORMATS }),
    ApiQuery({
      name: 'bom',
      required: false,
      schema: { type: 'boolean', default: false },
      description: 'CSV only: open the file with a UTF-8 byte-order mark, so that Excel reads its accents as UTF-8 (other tools may then see it in the first column name)',
    }),
    ApiZodQuery('token', downloadTokenSchema, {
      required: false,
      description: `A download link’s, in place of the Authorization header (${links} gives the whole link); never a personal API key (\`chorus_…\`), which goes in the Authorization header and is refused here (401 naming \`token\`). A link made with an API key stops working when the key is revoked (401 saying so)`,
    }),
  );

/**
 * Sends a download as an attachment, gzipped for a client that takes it (flat rows shrink several times over). An error
 * on the way still destroys the response; one before its first byte is answered with a problem, in plain JSON, without
 * the file's headers (its name, its encoding, its own counts and `Chorus-Next-Since`), which would describe a file
 * never sent.
 */
export function send(reply: FastifyReply, download: ExportDownload, acceptEncoding: string | undefined): FastifyReply {
  const gzip = gzipAccepted(acceptEncoding);
  const fileHeaders: Record<string, string> = {
    'content-disposition': contentDisposition(download.filename),
    ...(download.nextSince ? { [NEXT_SINCE_HEADER]: download.nextSince } : {}),
    ...download.headers,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  };
  reply
    .header('content-type', download.contentType)
    // A project's data, for its researchers only (a download link too): kept by no cache, the browser's included.
    .header('cache-control', 'private, no-store')
    // Without `format`, the Accept header chose the format; added to what CORS varies on (Origin), not in its place.
    .header('vary', [reply.getHeader('vary'), 'Accept', 'Accept-Encoding'].flat().filter(Boolean).join(', '))
    .headers(fileHeaders);
  const body = gzip ? gzipped(download.stream) : download.stream;
  body.once('error', () => {
    if (!reply.raw.headersSent) for (const name of Object.keys(fileHeaders)) reply.removeHeader(name);
  });
  return reply.send(body);
}

@ApiTags('exports')
@ApiDownloadQueries('POST /workflows/:id/download-links')
@Controller('workflows/:id')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('download-links')
  // Read before the body is checked: a kind that is none is refused naming it, whatever the key.
  @KeyScope((request) => downloadScope((request.body as { kind?: unknown } | undefined)?.kind))
  @ApiOperation({
    summary: 'Makes a link to a download that needs no Authorization header, for 10 minutes (the workflow’s researchers).',
    description: 'Body: `{ "kind", "format"?, "subjectSetId"? }`: `consensus`, `classifications` or `subject-reports`, `csv`, `json` or `ndjson`, and a subject set the workflow serves (the consensus and classifications alone; a consensus link opens the transcriptions too), which the link then carries (`&format=`, `&subjectSetId=`: 422 naming `subjectSetId` for a set the workflow does not serve, or with `subject-reports`). For a browser to save the file as it streams, or a script that should not hold the account’s token: `absoluteUrl` is the whole link, under the server’s `PUBLIC_URL` (without it, under the address the request was sent to), for a pipeline to open as it is; `url`, the same from the server’s root. Add `since`, `bom` (`metadata` and `sort` to the consensus and classifications), and `format` when the body has none, to the link as to the download. The link stops working when the session that asked for it signs out, or the API key that asked for it is revoked (401 saying which). An API key of scope `downloads` may ask for links to the consensus and classifications, one of scope `read` to every kind (403 `urn:chorus:problem:api-key-scope` otherwise). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @HttpCode(201)
  @ApiZodBody(downloadLinkRequestSchema)
  @ApiZodResponse(downloadLinkSchema, {
    status: 201,
    description: 'A link to the download that needs no Authorization header (for a browser to save the file as it streams, or for curl: absoluteUrl), for 10 minutes (or until the session that asked for it expires, if sooner), until that session signs out; add since and bom (metadata and sort to the consensus and classifications), and format when the body has none, to it as to the download (researchers only)',
  })
  createDownloadLink(
    @Param('id', uuidParam('id')) workflowId: string,
    @Body(new ZodPipe(downloadLinkRequestSchema)) request: DownloadLinkRequest,
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: TokenSession,
    @RequestOrigin() origin: string | undefined,
  ) {
    return this.exports.downloadLink(workflowId, request, user, session, origin);
  }

  @Get('consensus')
  @Public()
  @KeyScope(downloadScope('consensus'))
  @DownloaderFirst('consensus')
  @ApiDownloadResponse()
  @ApiSince(
    'the subjects whose row changed (`updated_at`: a subject recomputed to the same consensus and retirement has not changed), then a tombstone (`left_workflow_at`) for each subject that left the workflow with its row',
  )
  @ApiMetadata()
  @ApiSubjectSet('subjects')
  @ApiSort('subject id order', '')
  @ApiOperation({
    summary: 'Download the consensus of every subject of the workflow, one flat row each (researchers only).',
    description: columnsInWords('One row per subject, in subject_id order, or externalId order with sort=externalId (with since=, then the tombstones of subjects that left the workflow).', CONSENSUS_COLUMNS, {
      perTask: CONSENSUS_TASK_COLUMNS,
      trailing: CONSENSUS_TRAILING_TASK_COLUMNS,
      last: [`\`<task>.<field>\`: ${CONSENSUS_FIELD_COLUMNS_IN_WORDS}`, `\`<task>.<tool>\`: ${CONSENSUS_TOOL_COLUMNS_IN_WORDS}`, `\`<task>_reviewed.<tool>\`: ${CONSENSUS_REVIEWED_TOOL_COLUMNS_IN_WORDS}`, ...[...Object.entries(CONSENSUS_LAST_COLUMNS), ...Object.entries(CONSENSUS_SET_SINCE_COLUMNS)].map(([column, holds]) => `\`${column}\`: ${holds}`), `\`metadata.<key>\`: ${METADATA_COLUMNS_IN_WORDS}`],
      json: CONSENSUS_JSON_COLUMNS_NAMED,
      lists: CONSENSUS_LIST_COLUMNS_NAMED,
    }),
  })
  async getConsensus(
    @Param('id', uuidParam('id')) _workflowId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(consensusQuery) query: ConsensusQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedDownload,
  ) {
    return send(reply, await this.exports.consensus(download, downloadForm(query, accept), query.since, query.sort, query.metadata, query.subjectSetId), acceptEncoding);
  }

  @Get('classifications')
  @Public()
  @KeyScope(downloadScope('classifications'))
  @DownloaderFirst('classifications')
  @ApiDownloadResponse()
  @ApiSince('the classifications stored or changed (`updated_at`: stored, or since flagged or unflagged `after_retirement`, carried from a guest into an account, its volunteer excluded from the project’s consensus or the exclusion lifted, its subject\'s locations corrected, or its subject taken down where it was nowhere in the project, or its last take-down lifted)')
  @ApiMetadata()
  @ApiSubjectSet("subjects' classifications")
  @ApiSort('subject id then volunteer (user_id) order', ", each subject's classifications oldest first (`created_at`, then `classification_id`: the same order on every download)")
  @ApiOperation({
    summary: 'Download every classification of the workflow, or those stored or changed since a moment, one flat row each (researchers only).',
    description: columnsInWords("One row per classification, in subject_id then user_id order, or externalId order with sort=externalId (each subject's oldest first).", CLASSIFICATION_COLUMNS, {
      perTask: { answer: CLASSIFICATION_ANSWER_COLUMN },
      trailing: { asked_for_check: CLASSIFICATION_ASKED_FOR_CHECK_COLUMN },
      last: [...Object.entries(CLASSIFICATION_SET_SINCE_COLUMNS).map(([column, holds]) => `\`${column}\`: ${holds}`), `\`metadata.<key>\`: ${METADATA_COLUMNS_IN_WORDS}`],
      json: CLASSIFICATION_JSON_COLUMNS_NAMED,
      lists: CLASSIFICATION_LIST_COLUMNS_NAMED,
    }),
  })
  async getClassifications(
    @Param('id', uuidParam('id')) _workflowId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(classificationsQuery) query: ClassificationsQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedDownload,
  ) {
    return send(reply, await this.exports.classifications(download, downloadForm(query, accept), query.since, query.metadata, query.sort, query.subjectSetId), acceptEncoding);
  }

  @Get('subject-reports')
  @Public()
  @KeyScope(downloadScope('subject-reports'))
  @DownloaderFirst('subject-reports')
  @ApiDownloadResponse()
  @ApiSince('the reports stored or changed (`updated_at`: stored, made again with other words or after a dismissal, dismissed, or their note erased)')
  @ApiOperation({
    summary: 'Download every volunteer’s report of a subject of the workflow, one flat row each (researchers only).',
    description: columnsInWords('One row per report, in subject_id order, each subject’s reports in the order they were first made.', SUBJECT_REPORT_COLUMNS),
  })
  async getSubjectReports(
    @Param('id', uuidParam('id')) _workflowId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(downloadQuery) query: DownloadQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedDownload,
  ) {
    return send(reply, await this.exports.subjectReports(download, downloadForm(query, accept), query.since), acceptEncoding);
  }
}
