import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DOWNLOAD_METADATA, downloadLinkSchema } from '@chorus/client';
import { type AuthUser, CurrentSession, CurrentUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';
import { CLASSIFICATION_ANSWER_COLUMN, CLASSIFICATION_ASKED_FOR_CHECK_COLUMN, CLASSIFICATION_COLUMNS, CLASSIFICATION_JSON_COLUMNS_NAMED, CLASSIFICATION_LIST_COLUMNS_NAMED, PROJECT_CLASSIFICATION_COLUMNS } from './classification-rows';
import { type FormatLinkRequest, type ProjectClassificationsQuery, downloadForm, formatLinkSchema, projectClassificationsQuery } from './dto/download.dto';
import { Download, DownloaderFirst } from './downloader-first';
import { ApiDownloadQueries, ApiDownloadResponse, ApiSince, columnsInWords, send } from './exports.controller';
import { type AllowedProjectDownload, ExportsService } from './exports.service';
import { METADATA_COLUMNS_IN_WORDS } from './metadata-columns';

/** The workflow download's columns, with the project download's own before `workflow_version`, for its documentation. */
const PROJECT_COLUMNS_IN_ORDER = Object.fromEntries(
  Object.entries(CLASSIFICATION_COLUMNS).flatMap((entry) => (entry[0] === 'workflow_version' ? [...Object.entries(PROJECT_CLASSIFICATION_COLUMNS), entry] : [entry])),
);

/** Every workflow's raw classifications of a project in one download (Zooniverse's project classification export), for its data team. */
@ApiTags('exports')
@ApiDownloadQueries('POST /projects/:id/classifications/download-links')
@Controller('projects/:id/classifications')
export class ProjectClassificationsDownloadController {
  constructor(private readonly exports: ExportsService) {}

  @Get()
  @Public()
  @KeyScope('downloads')
  @DownloaderFirst('project-classifications')
  @ApiDownloadResponse()
  @ApiSince('the classifications stored or changed, as the workflow download gives them (GET /workflows/:id/classifications)')
  @ApiQuery({ name: 'metadata', required: false, schema: { type: 'string', enum: [...DOWNLOAD_METADATA], default: 'json' }, description: 'As the workflow download’s: `json`, one column `subject_metadata`; `columns`, a `metadata.<key>` column per key' })
  @ApiQuery({
    name: 'after',
    required: false,
    schema: { type: 'string', pattern: '^[0-9a-f-]{36},[0-9a-f-]{36},[0-9a-f-]{36}$' },
    description:
      'To resume a download that stopped: `<workflow_id>,<subject_id>,<user_id>` of the last row received; only the rows after that place in the download’s order are given, though its classification has since moved (a guest signed in) or gone (its subject deleted). Give the same `since`, keep the first attempt’s `Chorus-Next-Since` for the next incremental download, and append the resumed rows by column name (a CSV repeats its header, its columns worked out again) or use NDJSON. Anything else is refused, 422 naming `after`',
  })
  @ApiOperation({
    summary: 'Download every classification of every workflow of the project, or those stored or changed since a moment, one flat row each (researchers only).',
    description: columnsInWords(
      'One row per classification, workflow by workflow (in workflow_id order), each workflow’s in subject_id then user_id order, as its own download (GET /workflows/:id/classifications) gives them, with the same rules (take-downs withheld, excluded volunteers flagged). A task key of several workflows is one `<task>_answer` column, each row’s answer flattened by the version of its own workflow it answered: tell them apart by `workflow_id`. An interrupted download resumes with `after` (`<workflow_id>,<subject_id>,<user_id>` of the last row received). A `downloads` API key of a researcher of the project may make it.',
      PROJECT_COLUMNS_IN_ORDER,
      {
        perTask: { answer: CLASSIFICATION_ANSWER_COLUMN },
        trailing: { asked_for_check: CLASSIFICATION_ASKED_FOR_CHECK_COLUMN },
        last: [`\`metadata.<key>\`: ${METADATA_COLUMNS_IN_WORDS}`],
        json: CLASSIFICATION_JSON_COLUMNS_NAMED,
        lists: CLASSIFICATION_LIST_COLUMNS_NAMED,
      },
    ),
  })
  async getClassifications(
    @Param('id', uuidParam('id')) _projectId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(projectClassificationsQuery) query: ProjectClassificationsQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedProjectDownload,
  ) {
    return send(reply, await this.exports.projectClassifications(download, downloadForm(query, accept), query.since, query.metadata, query.after), acceptEncoding);
  }

  @Post('download-links')
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'Makes a link to the project’s classifications download that needs no Authorization header, for 10 minutes (the project’s researchers).',
    description: 'Body (optional): `{ "format"? }`, put into the link. As the workflows’ download links (POST /workflows/:id/download-links): add `format`, `since`, `bom`, `metadata` and `after` to the link; it stops working when the session (or API key) that asked for it signs out (is revoked). Anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(PROJECT_RESEARCHERS)
  @HttpCode(201)
  @ApiZodBody(formatLinkSchema)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the project’s classifications download that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  createLink(
    @Param('id', uuidParam('id')) projectId: string,
    @Body(new ZodPipe(formatLinkSchema)) { format }: FormatLinkRequest,
    @CurrentUser() user: AuthUser,
    @CurrentSession() session: TokenSession,
    @RequestOrigin() origin: string | undefined,
  ) {
    return this.exports.projectLink(projectId, 'project-classifications', user, session, origin, format);
  }
}
