import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HeaderValue } from '../common/header.decorator';
import { workflowCopySchema, workflowSavedSchema, workflowStatsSchema, workflowVersionListSchema, workflowVersionViewSchema, workflowViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { DownloadsLookUp } from '../auth/key-scopes';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ETAG_HEADER, uuidParam, ZodPipe } from '../common/zod';
import { z } from 'zod';
import { type WorkflowCopyBody, ifMatchSchema, parseWorkflowBody, workflowCopyBodySchema, versionNumberSchema, workflowBodySchema, workflowUpdateBodySchema } from './dto/workflow.dto';
import { WORKFLOW_RESEARCHERS, WorkflowsService, workflowTag } from './workflows.service';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';

@ApiTags('workflows')
@ApiBearerAuth()
@Controller()
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post('projects/:id/workflows')
  @ApiOperation({
    summary: 'Creates a workflow in a project: the tasks volunteers answer, the subject sets it serves and when a subject is done (its project’s researchers).',
    description: 'Version 1 of its definition; `version` in the answer is what classifications name, and the ETag what PUT /workflows/:id takes in If-Match. The workflow is a draft, its team’s to try, until activated (POST /workflows/:id/activate). Refusals: 422 `urn:chorus:problem:validation-failed` naming each bad field of the definition. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiZodBody(workflowBodySchema, 'A workflow definition (the schema below: tasks, firstTask, retirement, selection, effects) and the subject sets it serves.')
  @IdempotentCreate('workflow')
  @ApiZodResponse(workflowSavedSchema, { status: 201, headers: ETAG_HEADER, also: REPLAYED_CREATION })
  async createWorkflow(@Param('id', uuidParam('id')) projectId: string, @Body() body: unknown, @CurrentUser() user: AuthUser, @Res({ passthrough: true }) reply: FastifyReply) {
    const { etag, ...saved } = await this.workflows.create(projectId, parseWorkflowBody(body), user);
    void reply.header('etag', etag);
    return saved;
  }

  @Post('workflows/:id/copies')
  @ApiOperation({
    summary: 'Copies a workflow: a new draft workflow from one of its versions, in its project or another (researchers of both).',
    description:
      'Version 1 of the copy is the definition of the version asked for (the current one by default), named as asked (the version’s name by default: the lab sends “Copy of …” in its reader’s language). In the same project it serves the source’s subject sets (unless `linkSubjectSets` is false); in another project it serves none, sets belonging to projects. What the definition names of sets the copy cannot use (effects into a set not of the target project, such as another project’s or one deleted since, or into a set it serves, a training set or weighted sets it does not serve) is left out and listed in `dropped`. Nothing volunteers gave the source is copied: no classification, consensus, retirement or earlier version. Serving the source’s sets, each subject keeps its priority there (POST /workflows/:id/priorities, or its upload’s). Refusals: 404 at `/version` for a version the workflow never had; 403 for a project the caller is not a researcher of (404 at `/projectId` where it is not theirs to see); 422 at `/linkSubjectSets` for `true` with another project; 422 `urn:chorus:problem:validation-failed` naming each bad field. Anyone who is not a researcher of the workflow’s project gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @ApiZodBody(workflowCopyBodySchema, 'Where the copy goes, its name, the version copied, whether it serves the source’s subject sets: all optional.')
  @IdempotentCreate('copy')
  @ApiZodResponse(workflowCopySchema, { status: 201, headers: ETAG_HEADER, also: REPLAYED_CREATION })
  async copyWorkflow(
    @Param('id', uuidParam('id')) id: string,
    @Body(new ZodPipe(workflowCopyBodySchema)) body: WorkflowCopyBody,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { etag, ...copy } = await this.workflows.copy(id, body, user);
    void reply.header('etag', etag);
    return copy;
  }

  @Put('workflows/:id')
  @ApiOperation({
    summary: 'Saves a workflow’s definition and subject sets; a changed definition becomes a new version (its project’s researchers).',
    description: 'Classifications name the version they answered; `reaggregation` in the answer when a new version of a classified workflow started one. Refusals: 412 `urn:chorus:problem:version-conflict` when If-Match names a version or sets another save replaced; 422 `urn:chorus:problem:validation-failed` naming each bad field. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @ApiZodBody(
    workflowUpdateBodySchema,
    'The definition; a changed definition becomes a new version. Fields left out keep their current values; send a field to change it. That is: retirement, selection, effects and subjectSetIds (which a new workflow may leave out for their defaults) keep the workflow\'s when left out, and a field sent is taken whole (its own defaults fill what it leaves out). name, firstTask and tasks are always sent. tutorial and feedback have no default and are the exception: left out, they are removed (the generated tutorial, no feedback).',
  )
  @ApiHeader({ name: 'If-Match', required: false, description: 'The workflow\'s ETag as read (GET, or the last save): refused with 412 "Precondition failed" when another version or other subject sets were saved since. Without it the save goes through whatever was saved meanwhile.' })
  @ApiZodResponse(workflowSavedSchema, { description: 'The version now current; `reaggregation` when a new version of a classified workflow started one', headers: ETAG_HEADER })
  async updateWorkflow(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: unknown,
    @HeaderValue('if-match', new ZodPipe(ifMatchSchema, '/headers/if-match')) ifMatch: string[] | undefined,
    @CurrentUser() user: AuthUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The new ETag goes with the answer, so that the next edit needs no read first.
    const { etag, ...saved } = await this.workflows.update(id, body, user, ifMatch);
    void reply.header('etag', etag);
    return saved;
  }

  @Post('workflows/:id/activate')
  @ApiOperation({
    summary: 'Activates a workflow: volunteers are served its subjects (its project’s researchers).',
    description: 'No body. From then on classifications count toward its consensus and retirement (its team’s tries in draft never do); activated from draft, the holds of those tries end, so volunteers get those subjects at once. Volunteers see it once its project is live too. Refusals: 422 `urn:chorus:problem:no-subject-set` when it serves no subject set yet (link one in PUT /workflows/:id). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @HttpCode(200)
  @ApiZodResponse(workflowViewSchema)
  activateWorkflow(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser) {
    return this.workflows.setStatus(id, 'active', user);
  }

  @Post('workflows/:id/pause')
  @ApiOperation({
    summary: 'Pauses a workflow: volunteers are served nothing from it until it is activated again (its project’s researchers).',
    description: 'No body. Answers volunteers already sent are still stored, and a volunteer’s queue gets 409 `urn:chorus:problem:workflow-not-active`. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @HttpCode(200)
  @ApiZodResponse(workflowViewSchema)
  pauseWorkflow(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser) {
    return this.workflows.setStatus(id, 'paused', user);
  }

  /** Researchers have what they need, whatever answers the subjects have: volunteers are told it is complete. */
  @Post('workflows/:id/finish')
  @ApiOperation({
    summary: 'Marks a workflow finished: researchers have what they need, and volunteers are told it is complete (its project’s researchers).',
    description: 'No body. Its queue answers `finished: true` (`reason: workflow-finished`); answers still arriving are stored. Its subjects are aggregated once more. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @HttpCode(200)
  @ApiZodResponse(workflowViewSchema)
  finishWorkflow(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser) {
    return this.workflows.setStatus(id, 'finished', user);
  }

  @Delete('workflows/:id')
  @ApiOperation({
    summary: 'Deletes a draft or paused workflow nobody else has classified in (its project’s researchers).',
    description: 'Its subject sets and subjects stay. Refusals: 409 `urn:chorus:problem:workflow-not-paused` for an active or finished one; 409 `urn:chorus:problem:workflow-classified` once others have classified in it (classifications are never deleted). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Deleted, with its versions and links (its subject sets and subjects stay), and its team’s tries while it was a draft (made_in_draft, counted toward nothing; `draftTries` of its stats). A draft or paused workflow only (409 `workflow-not-paused`), and one nobody else has classified in (409 `workflow-classified`: classifications are never deleted)',
  })
  @ApiProblemResponse()
  async deleteWorkflow(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.workflows.delete(id, user);
  }

  @Get('workflows/:id')
  @DownloadsLookUp()
  @ApiOperation({
    summary: 'Reads a workflow: its current definition, status, version and subject sets (no token needed for a public one).',
    description: 'The ETag header is what PUT /workflows/:id takes in If-Match. A draft workflow, or one of a project not public (a draft, or taken down), is its project’s members’ only: anyone else gets 404.',
  })
  @Public()
  @ApiZodResponse(workflowViewSchema, { headers: ETAG_HEADER })
  async getWorkflow(@Param('id', uuidParam('id')) id: string, @Res({ passthrough: true }) reply: FastifyReply, @OptionalUser() user?: AuthUser) {
    const workflow = await this.workflows.get(id, user);
    void reply.header('etag', workflowTag(workflow.version, workflow.subjectSetIds));
    return workflow;
  }

  @Get('workflows/:id/versions')
  @DownloadsLookUp()
  @ApiOperation({
    summary: 'Lists a workflow’s versions, the newest first: when and by whom each was saved, the classifications made under it, and what it changed.',
    description:
      'For its project’s team (researchers and moderators; 403 for anyone else, 404 where the project itself is not public to them), as its stats and results are. `createdBy` is null for versions saved before Chorus recorded it; `changes` is null for version 1. The team’s tries while the workflow was a draft are not counted in `classifications`, so the versions’ counts add up to the stats’. GET /workflows/:id/versions/:version reads one whole.',
  })
  @ApiZodResponse(workflowVersionListSchema, {
    description:
      "The workflow's versions, the newest first, for its project's team (researchers and moderators; 403 for anyone else, 404 where the project itself is not public to them), as its stats and results are: when each was saved and by whom, the classifications made under it, and what it changed from the one before",
  })
  listWorkflowVersions(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser) {
    return this.workflows.versionList(id, user);
  }

  @Get('workflows/:id/versions/:version')
  @DownloadsLookUp()
  @ApiOperation({
    summary: 'Reads one version of a workflow’s definition, as the classifications that name it were answered (no token needed for a public workflow).',
    description: 'To read the raw classifications download, whose `workflow_version` names it. 404 (at `/params/version`) for a version it never had. A draft workflow, or one of a project not public (a draft, or taken down), is its project’s members’ only: anyone else gets 404.',
  })
  @Public()
  @ApiZodResponse(workflowVersionViewSchema)
  getWorkflowVersion(
    @Param('id', uuidParam('id')) id: string,
    @Param('version', new ZodPipe(z.coerce.number().pipe(versionNumberSchema), '/params/version')) version: number,
    @OptionalUser() user?: AuthUser,
  ) {
    return this.workflows.version(id, version, user);
  }

  @Get('workflows/:id/stats')
  @ApiOperation({
    summary: 'A workflow’s figures: subjects, retired, known answers, held, classifications and volunteers (no token needed for a public workflow).',
    description: '`classifications` and `volunteers` leave out the team’s tries while it was a draft (`draftTries` counts them); `asOf` is the database’s time of the figures. The project’s members (any role: researchers, moderators, reviewers) read them as they are now; anyone else (signed out, guests, volunteers) as the API process that answers last read them for the public, kept 30 seconds from when that read ended, so up to 30 seconds plus the statement’s time old (reads at once share one statement; `asOf` says when they were taken; each API process keeps its own, so `asOf` may go back between answers of different processes), with the same fields. A draft workflow, or one of a project not public (a draft, or taken down), is its project’s members’ only: anyone else gets 404.',
  })
  @Public()
  @ApiZodResponse(workflowStatsSchema)
  getWorkflowStats(@Param('id', uuidParam('id')) id: string, @OptionalUser() user?: AuthUser) {
    return this.workflows.stats(id, user);
  }
}
