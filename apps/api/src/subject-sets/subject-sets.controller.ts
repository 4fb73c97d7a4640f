import { Body, Controller, Delete, Get, Headers, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SUBJECT_CORRECTION_LIMITS, locationChangePageSchema, subjectCorrectedSchema, subjectImagesDescribedSchema, subjectPageSchema, subjectSetDeletedSchema, subjectSetListSchema, subjectSetViewSchema, subjectsAddedSchema } from '@chorus/client';
import { LONGEST_ALT } from '@chorus/tasks';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { DownloadsLookUp } from '../auth/key-scopes';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type CreateSubjectSetInput, type SubjectPageQuery, addSubjectsSchema, createSubjectSetSchema, subjectPageQuerySchema } from './dto/subject-set.dto';
import { FILE_NAME_LENGTH, type LocationChangesQuery, type SubjectCorrectionInput, type UploadQuery, locationChangesQuerySchema, subjectCorrectionSchema, uploadQuerySchema } from './dto/subject-correction.dto';
import { type ImageDescriptionsInput, imageDescriptionsSchema } from './dto/image-descriptions.dto';
import { ImageDescriptionsService } from './image-descriptions.service';
import { SUBJECT_RESEARCHERS, SubjectCorrectionsService } from './subject-corrections.service';
import { SUBJECT_SET_RESEARCHERS, SubjectSetsService } from './subject-sets.service';
import { SUBJECT_FILE_TYPES } from './subject-uploads';
import { IdempotentCreate, REPLAYED_CREATION } from '../idempotent-requests/idempotent-requests';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_RESEARCHERS } from '../projects/project-access';

/** The one route whose body may be a file (CSV, plain text, JSON-LD) rather than JSON; bootstrap.ts lets them through. */
export const SUBJECT_UPLOAD_ROUTE = 'subject-sets/:id/subjects';

@ApiTags('subjects')
@ApiBearerAuth()
@Controller()
export class SubjectSetsController {
  constructor(
    private readonly subjectSets: SubjectSetsService,
    private readonly corrections: SubjectCorrectionsService,
    private readonly imageDescriptions: ImageDescriptionsService,
  ) {}

  @Post('projects/:id/subject-sets')
  @ApiOperation({
    summary: 'Creates a subject set in a project, to upload subjects into (its researchers).',
    description: 'Body: `{ "name" }`, one line. Then upload subjects with POST /subject-sets/:id/subjects, and name the set in a workflow’s `subjectSetIds`. A name another set of the project has (trimmed, case aside: `Letters`, ` letters `) is refused: 409 `urn:chorus:problem:subject-set-name-taken` at `/name`, its `subjectSet` the set that has it (choose another name, or upload into that set). 422 `urn:chorus:problem:validation-failed` naming a bad field. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(PROJECT_RESEARCHERS)
  @ApiZodBody(createSubjectSetSchema)
  @IdempotentCreate('subject set')
  @ApiZodResponse(subjectSetViewSchema, { status: 201, also: REPLAYED_CREATION })
  createSubjectSet(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(createSubjectSetSchema)) input: CreateSubjectSetInput, @CurrentUser() user: AuthUser) {
    return this.subjectSets.create(projectId, input, user);
  }

  @Get('projects/:id/subject-sets')
  @DownloadsLookUp()
  @ApiOperation({
    summary: 'Lists a project’s subject sets (its researchers).',
    description: 'Every set of the project, oldest first, with its name, how many subjects it holds, and the workflows whose current version has an effect that adds subjects to it (`routedBy`: the workflows that feed those it is linked to). Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @ApiZodResponse(subjectSetListSchema)
  listSubjectSets(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.subjectSets.list(projectId, user);
  }

  @Patch('subject-sets/:id')
  @ApiOperation({
    summary: 'Renames a subject set (its project’s researchers).',
    description: 'Body: `{ "name" }`, one line. A name another set of the project has (trimmed, case aside) is refused: 409 `urn:chorus:problem:subject-set-name-taken` at `/name`, its `subjectSet` the set that has it. 404 for no such set. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(SUBJECT_SET_RESEARCHERS)
  @ApiZodBody(createSubjectSetSchema)
  @ApiZodResponse(subjectSetViewSchema)
  renameSubjectSet(@Param('id', uuidParam('id')) subjectSetId: string, @Body(new ZodPipe(createSubjectSetSchema)) input: CreateSubjectSetInput, @CurrentUser() user: AuthUser) {
    return this.subjectSets.rename(subjectSetId, input, user);
  }

  @Delete('subject-sets/:id')
  @ApiOperation({
    summary: 'Deletes a subject set, with those of its subjects nobody classified and no other set holds (its project’s researchers).',
    description: 'Refused while a workflow serves the set or an effect adds subjects to it (409 `urn:chorus:problem:subject-set-in-use`): take it out of the workflow first (PUT /workflows/:id). 404 for no such set. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @ApiZodResponse(subjectSetDeletedSchema, {
    description:
      'Deleted, with those of its subjects that are in no other set and were never classified (so that corrected subjects can be uploaded ' +
      'again under the same externalIds). Classified subjects stay, with their classifications and consensus. A set that a workflow serves ' +
      'or that an effect adds subjects to is refused (409 `subject-set-in-use`): take it out of the workflow (PUT /workflows/:id) first.',
  })
  @ApiProblemResponse()
  deleteSubjectSet(@Param('id', uuidParam('id')) subjectSetId: string, @CurrentUser() user: AuthUser) {
    return this.subjectSets.delete(subjectSetId, user);
  }

  @Delete('subject-sets/:id/subjects/:subjectId')
  @ApiOperation({
    summary: 'Takes one subject out of a subject set (its project’s researchers).',
    description: 'The subject is deleted too when no other set holds it and nobody classified it; else it is kept, with its classifications. 404 for no such set, or a subject not in it. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(SUBJECT_SET_RESEARCHERS)
  @ApiZodResponse(subjectSetDeletedSchema, {
    description:
      'Taken out of the set; the subject itself is deleted (deletedSubjects: 1) if it is in no other set and was never classified, else kept ' +
      '(keptSubjects: 1) with its classifications and consensus. The workflows the set feeds stop serving it unless another of their sets has it. ' +
      'No workflow’s effect puts it back in the set until a researcher uploads it there again.',
  })
  @ApiProblemResponse()
  removeSubject(@Param('id', uuidParam('id')) subjectSetId: string, @Param('subjectId', uuidParam('subjectId')) subjectId: string, @CurrentUser() user: AuthUser) {
    return this.subjectSets.removeSubject(subjectSetId, subjectId, user);
  }

  @Get(SUBJECT_UPLOAD_ROUTE)
  @ApiOperation({
    summary: 'Lists a subject set’s subjects in its order, a page at a time, as researchers see them (its project’s researchers).',
    description: 'Paging: `limit` (1 to 1,000, default 100) subjects a page; the answer’s `next`, when there are more, goes in `after` for the next page (null on the last). Private metadata and known answers included. 422 naming an unknown query parameter. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(SUBJECT_SET_RESEARCHERS)
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } })
  @ApiQuery({ name: 'after', required: false, description: 'The `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(subjectPageSchema, { description: 'A page of the set’s subjects in its order, as researchers see them (private metadata and known answers included)' })
  listSubjects(@Param('id', uuidParam('id')) subjectSetId: string, @Query(new ZodPipe(subjectPageQuerySchema, '/query')) query: SubjectPageQuery, @CurrentUser() user: AuthUser) {
    return this.subjectSets.subjectsOf(subjectSetId, query, user);
  }

  @Post(SUBJECT_UPLOAD_ROUTE)
  @ApiOperation({
    summary: 'Uploads subjects into a subject set: JSON, a CSV file, a text corpus, or IIIF manifests (one, a list, or a collection) (its project’s researchers).',
    description: 'The body is the file itself with its content type (not a multipart form): `application/json` (`{ "subjects": [...] }`), `text/csv`, `text/plain` or `application/ld+json` (a IIIF manifest, a JSON list of manifests, or a collection embedding its manifests, nested up to 3 deep, each manifest taken once where it first appears, `repeatedManifests` saying how many repeats were left out; the answer’s `manifests` counts each one’s subjects). A CSV’s known columns (`external_id`, `image_url`…) are read in any case, their words separated by spaces, hyphens or underscores or in camelCase (`External ID`, `Image URL`); a `#priority` or `priority` column (Zooniverse’s prioritised selection), a number, is the subjects’ priority in the workflows the set feeds (kept with the set, for those linked to it later), not metadata, said in `warnings` (a cell that is not a number is refused, naming its line and column, and so is a file with both columns, naming them); other columns are metadata, as written. A cell or a header’s name starting with `\'` before `=`, `+`, `-`, `@` (or more apostrophes before one), not a number, loses that one apostrophe, which the downloads’ formula guard puts there (a set’s file, `GET /subject-sets/:id/subjects.csv`, comes back as it was). Up to 10,000 subjects a call, all or nothing. Sending the same file again is safe for subjects with an externalId (a CSV `external_id`, a canvas id) and for a text corpus’s passages (found by their text): they join the set once (`existing`), and metadata sent again replaces theirs (`updated`). A text corpus’s passages new to the project are named (their externalId) by the file (`fileName`) or the set and their number, `Letters#3`, or `Letters#3 (2)` where the project has that id already; a passage keeps its name. Refusals: 422 `urn:chorus:problem:validation-failed` naming each bad row by pointer and its place in the file (`line 3 of the CSV`), a subject sent again with other locations, a canvas id in two manifests (naming both), and a collection naming manifests by URL alone (up to 5 named: Chorus never fetches one; upload them as a list instead); 415 `urn:chorus:problem:unsupported-media-type` for another content type (a multipart form, as `curl -F` sends, is told to send the file itself as the body: `curl --data-binary @subjects.csv -H \'Content-Type: text/csv\'`) or text that is not UTF-8; 413 `urn:chorus:problem:payload-too-large` over the upload limit; 401/403 before the body is read for anyone but the set’s researchers.',
  })
  @ApiZodBody(
    addSubjectsSchema,
    'Up to 10,000 subjects per call; a repeated externalId adds the existing subject to the set. The body may also be a IIIF ' +
      'Presentation manifest, a JSON list of manifests, or a collection embedding its manifests (application/json or application/ld+json: a subject per canvas), a CSV file (text/csv: a subject ' +
      'per row; columns external_id, image_url, iiif_service, image_alt, text, gold_standard_<task>, #priority or priority, the rest metadata) or a text ' +
      'corpus (text/plain: a subject per passage, passages separated by a blank line, or by a line --- or a form feed in a ' +
      'corpus that has one, [[word]] highlighted). Metadata keys ' +
      'starting with #, // or ! are for researchers only: volunteers are never shown them.',
    {
      'application/ld+json': {
        oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }],
        description: 'A IIIF Presentation 2.1 or 3 manifest, a list of manifests, or a collection (sc:Collection, Collection) embedding its manifests, nested up to 3 deep: a subject per canvas.',
      },
      ...Object.fromEntries(Object.entries(SUBJECT_FILE_TYPES).map(([type, { description }]) => [type, { type: 'string', description }])),
    },
  )
  @ApiQuery({
    name: 'replaceLocations',
    required: false,
    description:
      'true: a subject already in the project (same externalId) sent with other locations takes them, as a correction of their addresses (the same content: as many locations, ' +
      'of the same types, texts unchanged; else refused, naming the field), recorded with `reason`. Without it, other locations are refused.',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiQuery({ name: 'reason', required: false, description: 'With replaceLocations=true (and only then): why the addresses changed, for the record', schema: { type: 'string', maxLength: SUBJECT_CORRECTION_LIMITS.reasonLength } })
  @ApiQuery({
    name: 'fileName',
    required: false,
    description:
      'A text corpus’s file name (text/plain only; 422 with another upload): its passages new to the project are named `<the name without its extension>#<passage number>` ' +
      '(`letters-1890.txt`: `letters-1890#3`). Without it, by the set’s name (`Letters#3`).',
    schema: { type: 'string', maxLength: FILE_NAME_LENGTH },
  })
  @IdempotentCreate('upload (a file, or a part of one)', 'is answered 200 with the first answer, and adds nothing')
  @ApiZodResponse(subjectsAddedSchema, { status: 201, also: REPLAYED_CREATION })
  addSubjects(
    @Param('id', uuidParam('id')) subjectSetId: string,
    @Query(new ZodPipe(uploadQuerySchema, '/query')) query: UploadQuery,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentUser() user: AuthUser,
  ) {
    return this.subjectSets.addSubjects(subjectSetId, body, contentType, query, user);
  }

  @Patch('subjects/:id')
  @ApiOperation({
    summary: 'Corrects a subject’s locations to new addresses (its project’s researchers).',
    description: 'Body: its locations, as many as it has, of the same types, in the same order, texts unchanged (422 naming the field otherwise: other content is another subject). Recorded, with who, when and why; the raw classifications download’s `earlier_locations` gives what classifications stored before were shown, and their rows come again with `since=`. 404 for no such subject. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(SUBJECT_RESEARCHERS)
  @ApiZodBody(
    subjectCorrectionSchema,
    'The subject’s locations at new addresses (an image server moved, a URL had a typo): as many as it has, of the same types, in the same order, its texts ' +
      'unchanged; an image sent without `alt` keeps its own. Other content is another subject, to upload under its own externalId.',
  )
  @ApiZodResponse(subjectCorrectedSchema, {
    description:
      'Corrected and recorded (who, when, why, and the locations replaced, which the classifications stored before were shown: the raw classifications download’s ' +
      '`earlier_locations`); `correction` is null when the addresses sent were those it had. Researchers of the subject’s project only.',
  })
  @ApiProblemResponse()
  correctSubject(@Param('id', uuidParam('id')) subjectId: string, @Body(new ZodPipe(subjectCorrectionSchema)) input: SubjectCorrectionInput, @CurrentUser() user: AuthUser) {
    return this.corrections.correct(subjectId, input, user);
  }

  @Put('subjects/:id/image-descriptions')
  @ApiOperation({
    summary: 'Describes a subject’s images for volunteers who cannot see them (its project’s researchers).',
    description: `Body: \`{ "descriptions": [...] }\`, one entry per location of the subject, in its order: an image's description (up to ${LONGEST_ALT} characters; null takes its description away), null for a sound or a text. Each image's description becomes its \`alt\`, which the classifier reads out as the image's name; not a correction of its locations, so nothing is recorded. 422 naming the entry (\`/descriptions/1\`) that is empty, too long or describes what is not an image, or \`/descriptions\` when there are not as many entries as locations; nothing changes then. 404 for no such subject. Anyone else gets 403 (404 when the project is not public to them, as a draft is).`,
  })
  @AccessFirst(SUBJECT_RESEARCHERS)
  @ApiZodBody(imageDescriptionsSchema)
  @ApiZodResponse(subjectImagesDescribedSchema, { description: 'The subject’s locations now, each image with the description sent (or without one where null was sent).' })
  @ApiProblemResponse()
  describeSubjectImages(@Param('id', uuidParam('id')) subjectId: string, @Body(new ZodPipe(imageDescriptionsSchema)) input: ImageDescriptionsInput, @CurrentUser() user: AuthUser) {
    return this.imageDescriptions.describe(subjectId, input, user);
  }

  @Get('subjects/:id/location-changes')
  @ApiOperation({
    summary: 'Lists a subject’s recorded corrections of its locations, newest first, a page at a time (its project’s researchers).',
    description: 'Paging: `limit` (1 to 100, default 20); the answer’s `next`, when there are more, goes in `after` for the next page. 404 for no such subject. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(SUBJECT_RESEARCHERS)
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before', schema: { type: 'string' } })
  @ApiZodResponse(locationChangePageSchema, {
    description:
      'The subject’s recorded corrections of its locations (PATCH /subjects/:id, or an upload with replaceLocations=true), newest first: who made each, when, why, ' +
      'the locations it replaced and those it gave. Researchers of the subject’s project only.',
  })
  listSubjectLocationChanges(@Param('id', uuidParam('id')) subjectId: string, @Query(new ZodPipe(locationChangesQuerySchema, '/query')) query: LocationChangesQuery, @CurrentUser() user: AuthUser) {
    return this.corrections.history(subjectId, query, user);
  }
}
