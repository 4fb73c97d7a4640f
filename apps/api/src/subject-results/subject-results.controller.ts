import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SUBJECT_RESULT_SORTS, SUBJECT_RESULT_STATUSES, subjectResultDetailSchema, subjectResultPageSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { type SubjectResultQuery, type SubjectResultsQuery, subjectResultQuerySchema, subjectResultsQuerySchema } from './dto/subject-results.dto';
import { SubjectResultsService } from './subject-results.service';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_REVIEWERS } from '../workflows/workflows.service';

@ApiTags('subject-results')
@ApiBearerAuth()
@Controller('workflows/:id/subject-results')
export class SubjectResultsController {
  constructor(private readonly results: SubjectResultsService) {}

  @Get()
  @AccessFirst(WORKFLOW_REVIEWERS)
  @ApiOperation({
    summary: 'A page of the workflow’s subjects with their results, in subject id order, externalId order, a metadata field’s order or the most favourites first (reviewers and researchers).',
    description:
      'Each subject as its researchers see it (and its reviewers, who list the subjects whose consensus they check: `needsChecking=true&reviewed=false`), with its classifications counted, its retirement and each task’s consensus as the consensus download gives it. ' +
      'Subjects of sets no longer linked to the workflow are left out, as its stats leave them out (the download keeps their consensus). ' +
      'Filter by a metadata field with `metadata.<field>=<value>` (`metadata.letter=2`: the subjects whose `letter` is 2, as text, a JSON number or string alike, or a list that holds it among its items, `metadata.tags=a` finding `"tags": ["a", "b"]`; ' +
      'several fields: those that have every value; an empty value filters nothing): a page reads the subjects in its order until it has found enough that pass, ' +
      'so a value few subjects have costs more on a large workflow. A field’s name that is empty or longer than 200 characters is refused, naming the parameter. ' +
      'A reviewer’s list, whatever its filters and order, is narrowed to what reviewing needs: the subjects whose consensus waits for a check (a task whose consensus needs checking and one with a consensus nobody reviewed yet, of a subject without known answers that they did not classify in the workflow: `needsChecking=true&reviewed=false` lists them alone) and those they reviewed a task of (to change or undo it: `reviewed=true` gives those whose every consensus is reviewed); the filters and orders choose among those, so no reviewer pages through the workflow’s every result, which is the consensus download’s. ' +
      'A reviewer sees each subject’s metadata as volunteers do (no `#`, `//` or `!` fields), no known answers (`goldStandard` null), a retirement’s `retiredAt` only (`reason`, `note`, `task`, `byClassificationId` and `by` null) and another reviewer’s review by role only (`reviewedBy.memberId` and `name` null); their filter or sort by a private field is refused, 403 `urn:chorus:problem:private-metadata` naming the parameter. ' +
      'A subject the project’s team took down (personal data, sensitive content) is marked `takenDown` to researchers, who are on the team and see it all; it is in no reviewer’s list: only the team sees it, and reviewers are not on the team.',
  })
  @ApiQuery({ name: 'status', required: false, enum: SUBJECT_RESULT_STATUSES, description: '`active`: subjects the workflow still serves; `retired`: those it retired; `all` (the default)' })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'Only subjects whose externalId starts with it (case as written: `letter-2-page-1` finds `letter-2-page-10` too), or the subject of that id; for one externalId exactly, `externalId`',
    schema: { type: 'string', maxLength: 500 },
  })
  @ApiQuery({
    name: 'externalId',
    required: false,
    description:
      'Only the subject whose externalId is exactly this (capitals and digits as written: `letter-2-page-1` finds neither `letter-2-page-10` nor `Letter-2-page-1`), read through the unique index: a page of that subject, or of none. One per request (a parameter given twice is refused); for many, the consensus download. An empty value is refused',
    schema: { type: 'string', minLength: 1, maxLength: 500 },
  })
  @ApiQuery({
    name: 'text',
    required: false,
    description:
      'Only the subjects with a task whose consensus answer or reviewed answer (a correction, or the answer an approval kept) holds this text, whatever its case and accents (`edith` finds `Édith`; `%` and `_` are characters like any other), spaces around it trimmed: the stored text of a transcription or free text, a choice’s value, several choices’ values joined by `;`, a form’s JSON; not marks. Combines with the other filters and every order. No index serves it: a page reads the consensus of the subjects it passes over, the whole workflow’s when few match (about 0.15 to 0.2 s a page on a workflow of 80,000 consensus rows). Empty (once trimmed) or over 200 characters: 422 naming `/query/text`',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  })
  @ApiQuery({
    name: 'sort',
    required: false,
    schema: { type: 'string', default: 'id', anyOf: [{ type: 'string', enum: [...SUBJECT_RESULT_SORTS] }, { type: 'string', pattern: '^metadata\\..{1,200}$' }] },
    description:
      '`id` (the default): subject id order; `externalId`: the researchers’ externalIds in natural order (the numbers within them as numbers: `letter-2-page-2` before `letter-2-page-10`, read through an index), subjects without one last in subject id order; ' +
      '`favourites`: the subjects most volunteers marked a favourite first, ties in subject id order; `metadata.<field>` (`metadata.page`): the values of a metadata field in the same natural order (whole numbers as numbers), subjects without it last, ties in subject id order. ' +
      'No index holds a metadata field’s values, so each page of that order sorts every subject the filters pass (keeping a page of them): on a large workflow, filter it first (`metadata.letter=2` with `sort=metadata.page` gives a letter’s pages in order)',
  })
  @ApiQuery({
    name: 'needsChecking',
    required: false,
    description:
      '`true`: only the subjects with a task whose consensus needs checking (the `needsChecking` of its consensus, the download’s `<task>_needs_checking`: a transcription with `lowConsensus`, or a task volunteers answered that a question with no majority cut off); `false` (the default): all',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiQuery({
    name: 'againstPlurality',
    required: false,
    description:
      '`true`: only the subjects with a single choice or close reading whose consensus is not among the answers most volunteers gave (under bayes, their learned skills outweighed more votes: the `plurality.against` of its consensus, the download’s `<task>_against_plurality`); `false` (the default): all',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiQuery({
    name: 'reviewed',
    required: false,
    description: '`false`: only the subjects with a consensus (a task answered at least once) that nobody reviewed yet; `true`: only those with a review and every consensus reviewed; left out: all',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiQuery({
    name: 'consensusChanged',
    required: false,
    description:
      '`true`: only the subjects with an approval whose consensus changed since it was approved (a review’s `consensusChanged`: later votes or a re-aggregation gave another answer, a tie or none; the same choices, tags or marks in another order, a form’s fields in another order or a text composed otherwise are the same answer), to approve again or correct; `false`: only those with an approval and none whose consensus changed; left out: all. Combines with the other filters; a reviewer’s list is narrowed to their reach as ever. No index serves it: a page reads the workflow’s approvals with their consensus, so it costs more as the approvals grow',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next page: the `next` of the page before, with the same sort', schema: { type: 'string' } })
  @ApiZodResponse(subjectResultPageSchema, { description: 'The subjects, with their results' })
  listSubjectResults(@Param('id', uuidParam('id')) workflowId: string, @Query(new ZodPipe(subjectResultsQuerySchema, '/query')) query: SubjectResultsQuery, @CurrentUser() user: AuthUser) {
    return this.results.page(workflowId, query, user);
  }

  @Get(':subjectId')
  @AccessFirst(WORKFLOW_REVIEWERS)
  @ApiOperation({
    summary: 'One subject of the workflow with its results and its classifications, oldest first, a page at a time (reviewers and researchers).',
    description:
      'Volunteers are named as the raw download names them: by id (user_id), what they are now (user_kind) and a registered one’s display name (user_name), never by email. ' +
      'A reviewer reads only a subject of their list (see the list above: one whose consensus waits for a check, or one they reviewed), else 403 `urn:chorus:problem:not-to-check` naming `/params/subjectId`; they see its volunteers by kind only (`volunteerId` and `name` null), its public metadata only, no known answers (`goldStandard` null, the classifications’ too), its retirement and other reviewers’ reviews as the list gives them, and no `routing` (null). A subject the project’s team took down is in no reviewer’s list, so it is refused them as any other, 403 `urn:chorus:problem:not-to-check` (researchers see it marked `takenDown`). A subject that left the workflow (`leftWorkflow`: out of the sets it serves, its results kept) answers too, as the consensus download keeps its row. A subject the workflow has no row for answers a researcher 404, and a reviewer 403 `urn:chorus:problem:not-to-check` naming `/params/subjectId`, as any subject out of their list: this route answers an unknown id and one out of their list alike.',
  })
  @ApiQuery({ name: 'limit', required: false, description: 'Classifications in the page', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'after', required: false, description: 'For the next classifications: the `nextClassifications` of the answer before', schema: { type: 'string' } })
  @ApiZodResponse(subjectResultDetailSchema, { description: 'The subject, its results and a page of its classifications' })
  getSubjectResult(
    @Param('id', uuidParam('id')) workflowId: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @Query(new ZodPipe(subjectResultQuerySchema, '/query')) query: SubjectResultQuery,
    @CurrentUser() user: AuthUser,
  ) {
    return this.results.subject(workflowId, subjectId, query, user);
  }
}
