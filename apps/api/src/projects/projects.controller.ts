import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { projectLanguagesSchema, projectListSchema, projectTakeDownSchema, projectViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { DownloadsLookUp } from '../auth/key-scopes';
import { ApiProblemResponse, ApiZodBody, ApiZodQuery, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type CreateProjectInput, type ProjectListQuery, type TakeDownInput, type UpdateProjectInput, createProjectSchema, projectListParameters, projectListQuerySchema, takeDownSchema, updateProjectSchema } from './dto/project.dto';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { ProjectsService } from './projects.service';
import { AccessFirst } from './access-first';
import { PROJECT_ADMINISTRATORS } from './project-access';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @ApiOperation({
    summary: 'Creates a project; the caller is its owner.',
    description: 'Body: `title`, and optionally `slug` (its address; else made from the title, numbered -2, -3… when taken), `description`, `fieldGuide`, `language` (the language its researchers write its text in, a BCP 47 tag such as `fr` or `ar`; `en` when left out) and `status` (`draft`, the default: its team’s only; or `live`: on everyone’s project list). Accounts only (403 for a guest). Refusals: 403 `urn:chorus:problem:email-unverified` at `/status` for `live` before the account’s email is verified; 409 `urn:chorus:problem:slug-taken` for a slug another project has or had; 422 `urn:chorus:problem:validation-failed` naming each bad field.',
  })
  @ApiZodBody(createProjectSchema)
  @IdempotentCreate('project')
  @ApiZodResponse(projectViewSchema, { status: 201, also: REPLAYED_CREATION })
  createProject(@Body(new ZodPipe(createProjectSchema)) input: CreateProjectInput, @CurrentUser() user: AuthUser) {
    return this.projects.create(input, user);
  }

  @Get()
  @ApiOperation({
    summary: 'Lists the projects open to volunteers and the caller’s own, newest first (no token needed).',
    description: 'Live and finished projects (but those the operators took down), and every project the caller is a member of, in any status; with `member=true`, only the latter. A page at a time: `limit` projects (1 to 500; 500 when left out), and `next`, the cursor to send as `before` for the page after (null on the last page); projects made meanwhile do not move the pages after. `search` (1 to 200 characters, at most 8 different words, as a search of a project’s comments): only the projects with each of its words in their title or slug, whatever their case and accents (“ecrits” finds “Écrits”, “écrits” finds “Ecrits”; `%` and `_` are letters like any other). `language` (a BCP 47 tag): only the projects written in it or in a variety of it (`fr` finds `fr` and `fr-CA`, whatever their case); GET /project-languages lists those of the listed projects. `status`: only the projects in it; `live` and `finished` are those of the list, `paused` and `draft` find only the caller’s own (nobody else sees them listed). The filters combine with each other and with `member`, and `next` pages through the filtered list (send the same filters with `before`). Each project comes without its field guide and with the first 300 characters of its description’s plain text (its Markdown’s words): GET /projects/:id has both whole. Each carries the caller’s `role` (null where none). 422 `urn:chorus:problem:validation-failed` at `/query/limit`, `/query/before` (not a `next` as it was given), `/query/search`, `/query/language` (not a language tag) or `/query/status`.',
  })
  @Public()
  @DownloadsLookUp()
  @ApiZodQuery('member', projectListParameters.member, { required: false, description: 'true: only the projects the caller is a member of' })
  @ApiZodQuery('limit', projectListParameters.limit, { required: false, description: 'How many projects a page holds' })
  @ApiQuery({ name: 'before', required: false, description: 'For the next page: the `next` of the page before, as it was given', schema: { type: 'string' } })
  @ApiZodQuery('search', projectListParameters.search, { required: false, description: 'Words each of which a project’s title or slug contains, whatever their case and accents' })
  @ApiZodQuery('language', projectListParameters.language, { required: false, description: 'A language tag (BCP 47): only the projects written in it or a variety of it (`fr`: `fr` and `fr-CA`)' })
  @ApiZodQuery('status', projectListParameters.status, { required: false, description: 'Only the projects in this status: `live` or `finished`; `paused` and `draft` find only the caller’s own' })
  @ApiZodResponse(projectListSchema, { description: 'A page of the live and finished projects not taken down by the operators, and those the caller is a member of (each with the caller’s `role`, null where none), newest first' })
  async listProjects(@Query(new ZodPipe(projectListQuerySchema, '/query')) query: ProjectListQuery, @OptionalUser() user?: AuthUser) {
    return this.projects.list(user, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Reads one project by its id or its slug (a slug it had before finds it too; no token needed for a public project).',
    description: 'A draft or taken-down project is its members’ only: anyone else gets 404, as for no such project. The answer carries the caller’s `role` (null where none).',
  })
  @Public()
  @DownloadsLookUp()
  @ApiZodResponse(projectViewSchema)
  getProject(@Param('id') idOrSlug: string, @OptionalUser() user?: AuthUser) {
    return this.projects.get(idOrSlug, user);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Changes a project’s title, slug, description, field guide, language, status, image or whether it publishes its results (its owner and collaborators).',
    description: 'Fields left out keep their values. `imageUrl` (https) goes with `imageAlt`, the words said in its place (each refused without the other, 422); `resultsPublic` publishes the finished subjects’ results (GET /projects/:id/subjects/:subjectId/results). A draft can only go live (pausing or finishing a draft is refused, 422 at `/status`). Going live puts the project on everyone’s list, so it needs a verified email (403 `urn:chorus:problem:email-unverified` at `/status`). A slug another project has or had: 409 `urn:chorus:problem:slug-taken`; the project’s old slugs still find it. 422 `urn:chorus:problem:validation-failed` naming each bad field. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @ApiZodBody(updateProjectSchema)
  @ApiZodResponse(projectViewSchema)
  updateProject(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(updateProjectSchema)) input: UpdateProjectInput, @CurrentUser() user: AuthUser) {
    return this.projects.update(id, input, user);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Deletes a project nobody has classified in, with everything in it (its owner only).',
    description: 'Not while it is live (409 `urn:chorus:problem:project-live`: take it back to draft first), and never once it has classifications other than its team’s tries in draft workflows (409 `urn:chorus:problem:project-classified`: hand it over instead). 403 for anyone but its owner; 404 for no such project.',
  })
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Deleted, with its workflows, subject sets, subjects, members and invitations: by its owner only, not while it is live (409 `project-live`), and only if nobody has classified in it (409 `project-classified`: classifications are never deleted; hand the project over instead), its team’s tries in draft workflows (made_in_draft) aside, which go with it',
  })
  @ApiProblemResponse()
  async deleteProject(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.projects.delete(id, user);
  }

  @Put(':id/take-down')
  @ApiOperation({
    summary: 'Takes a project down from the public, for spam or abuse (the operators of this Chorus only).',
    description: 'Body: `{ "reason" }`, 1 to 1,000 characters (422 at `/reason` otherwise). Whatever its status, the project is then its members’ only, as a draft is, until DELETE /projects/:id/take-down. 403 for anyone but the operators (OPERATOR_IDS); 404 for no such project.',
  })
  @ApiZodBody(takeDownSchema)
  @ApiZodResponse(projectTakeDownSchema, {
    description:
      'Taken down from the public, whatever its status (the operators of this Chorus only, the accounts OPERATOR_IDS names; 403 for anyone else): off the project list, its workflows serving and taking nothing from volunteers, its members seeing `takenDownAt` and `takenDownReason`',
  })
  takeDownProject(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(takeDownSchema)) input: TakeDownInput, @CurrentUser() user: AuthUser) {
    return this.projects.takeDown(id, input, user);
  }

  @Put(':id/image-removal')
  @ApiOperation({
    summary: 'Removes an abusive project image and its description, the project staying up (the operators of this Chorus only).',
    description:
      'Body: `{ "reason" }`, 1 to 1,000 characters (422 at `/reason` otherwise), logged with the operator, the project and the address removed. The project’s `imageUrl` and `imageAlt` are then null, and its members see `imageRemovedAt` and `imageRemovedReason` in its view until its administrators set another image. Again, or for a project with no image, changes nothing. 403 for anyone but the operators (OPERATOR_IDS); 404 for no such project.',
  })
  @ApiZodBody(takeDownSchema)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The image and its description removed (the operators of this Chorus only)' })
  @ApiProblemResponse()
  async removeProjectImage(@Param('id', uuidParam('id')) id: string, @Body(new ZodPipe(takeDownSchema)) input: TakeDownInput, @CurrentUser() user: AuthUser): Promise<void> {
    await this.projects.removeImage(id, input, user);
  }

  @Delete(':id/take-down')
  @ApiOperation({
    summary: 'Restores a project taken down: public again as its status says (the operators of this Chorus only).',
    description: '403 for anyone but the operators (OPERATOR_IDS); 404 for no such project.',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Restored: public again as its status says (the operators of this Chorus only)' })
  @ApiProblemResponse()
  async restoreProject(@Param('id', uuidParam('id')) id: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.projects.restore(id, user);
  }
}

/** The languages a volunteer may narrow the project list to; apart from /projects, where "languages" could be a project's slug. */
@ApiTags('projects')
@Controller('project-languages')
export class ProjectLanguagesController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @ApiOperation({
    summary: 'Lists the languages of the listed projects, each with how many (no token needed).',
    description: 'The languages (BCP 47 tags) the live and finished projects not taken down are written in, most projects first, each with their number: those `language` finds in GET /projects, so a tag counts its varieties too (`fr` counts `fr` and `fr-CA`); tags differing only in case (`fr-CA`, `fr-ca`) are one. Send one as `language` to GET /projects.',
  })
  @Public()
  @ApiZodResponse(projectLanguagesSchema)
  listLanguages() {
    return this.projects.languages();
  }
}
