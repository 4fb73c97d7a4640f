import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { contributorSummarySchema, downloadLinkSchema } from '@chorus/client';
import { type AuthUser, CurrentSession, CurrentUser, Public } from '../auth/auth.decorators';
import type { TokenSession } from '../auth/ended-sessions';
import { KeyScope } from '../auth/key-scopes';
import { HeaderValue } from '../common/header.decorator';
import { RequestOrigin } from '../common/request-origin.decorator';
import { ApiZodResponse, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';
import { CONTRIBUTOR_COLUMNS, OTHER_VOLUNTEERS_HEADER } from './contributor-rows';
import { type ContributorsQuery, contributorsForm, contributorsQuery } from './dto/download.dto';
import { Download, DownloaderFirst } from './downloader-first';
import { ApiDownloadQueries, ApiDownloadResponse, columnsInWords, send } from './exports.controller';
import { type AllowedProjectDownload, ExportsService } from './exports.service';
import { ContributorsService } from './contributors.service';

/**
 * The project's volunteers to credit in its publications (Zooniverse's credited names): those who said yes to being
 * named (`PATCH /account`, namedInAcknowledgements), and how many others classified, a number only.
 */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('projects/:id/contributors')
export class ContributorsDownloadController {
  constructor(
    private readonly exports: ExportsService,
    private readonly contributors: ContributorsService,
  ) {}

  @Get()
  @Public()
  @KeyScope('downloads')
  @DownloaderFirst('contributors')
  @ApiDownloadQueries('POST /projects/:id/contributors/download-links')
  @ApiDownloadResponse()
  @ApiOperation({
    summary: 'Download the project’s volunteers to credit: those who agreed to be named, with their counted classifications, and how many others (researchers only).',
    description: columnsInWords(
      `One row per registered volunteer who agreed to be named in projects’ acknowledgements and has a counted classification in the project (not a try in a draft workflow, none while the project keeps them out of its consensus; one made after its subject retired counts, unlike in consensus), most classifications first, then by name. Never a user id or an email; a deleted account is never named. \`format\`: csv or json (no ndjson). JSON is one object, \`{ "contributors": [...], "otherVolunteers": N }\`; CSV holds the rows only. In both, the \`${OTHER_VOLUNTEERS_HEADER}\` header is N: every other volunteer with a counted classification (guests, accounts that did not agree, deleted accounts), for "and N other volunteers". A \`downloads\` API key of a researcher of the project may make it.`,
      CONTRIBUTOR_COLUMNS,
    ),
  })
  async getContributors(
    @Param('id', uuidParam('id')) _projectId: string, // the path's id in OpenAPI: `DownloaderFirst` read it
    @Query(contributorsQuery) query: ContributorsQuery,
    @HeaderValue('accept') accept: string | undefined,
    @HeaderValue('accept-encoding') acceptEncoding: string | undefined,
    @Res() reply: FastifyReply,
    @Download() download: AllowedProjectDownload,
  ) {
    return send(reply, await this.exports.contributors(download, contributorsForm(query, accept)), acceptEncoding);
  }

  @Get('summary')
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiOperation({
    summary: 'How many volunteers agreed to be named and how many others classified, the two numbers of the contributors download (researchers only).',
    description: `\`{ named, otherVolunteers }\`, counted as the download counts them, without its rows: not a download, so it takes none of the downloads' \`EXPORTS_AT_ONCE\` places (the lab's project page shows it). Anyone else gets 403 (404 when the project is not public to them).`,
  })
  @ApiZodResponse(contributorSummarySchema, { description: 'The project’s named volunteers and other volunteers, two numbers' })
  getSummary(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.contributors.summary(projectId, user);
  }

  @Post('download-links')
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'Makes a link to the contributors download that needs no Authorization header, for 10 minutes (the project’s researchers).',
    description: 'No body. As the comments’ download links (POST /projects/:id/comments/download-links): add `format` and `bom` to the link. Anyone else gets 403 (404 when the project is not public to them).',
  })
  @AccessFirst(PROJECT_RESEARCHERS)
  @HttpCode(201)
  @ApiZodResponse(downloadLinkSchema, { status: 201, description: 'A link to the contributors download that needs no Authorization header, for 10 minutes (or until the session that asked for it expires, if sooner)' })
  createContributorsLink(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser, @CurrentSession() session: TokenSession, @RequestOrigin() origin: string | undefined) {
    return this.exports.projectLink(projectId, 'contributors', user, session, origin);
  }
}
