import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { choosableSetsSchema, holdsReleasedSchema, holdsRenewedSchema, queueViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser, OptionalUser, Public } from '../auth/auth.decorators';
import { KeyScope } from '../auth/key-scopes';
import { ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { AssignmentService } from './assignment.service';
import { type HeldSubjects, heldSubjectsSchema, type QueueQuery, queueQuerySchema, type ReleasedHolds, releasedHoldsSchema } from './dto/assignment.dto';

@ApiTags('assignment')
@ApiBearerAuth()
@Controller('workflows/:id/queue')
export class AssignmentController {
  constructor(private readonly assignment: AssignmentService) {}

  @Get()
  // A GET that holds subjects for the caller, keeping them from other volunteers: not for a key that may only read.
  @KeyScope('full')
  @ApiOperation({
    summary: 'Serves the caller the next subjects to classify in a workflow, each held for them a while (a volunteer: an account or a guest).',
    description: 'Each subject served is the caller’s to answer until its hold lapses (`hold`, at most ASSIGNMENT_TTL_SECONDS) and is never served to them again in a later batch; the answer’s `workflowVersion` is what their classifications name. `finished: true` with a `reason` (`seen-everything`, `workflow-finished`, `project-finished`; `set-finished` for a subject set they chose, `subjectSetId`) when nothing is left for them; with `workflow-finished` when every subject is retired, `retired` says how many its rule and its researchers retired, and who retired the last. Refusals: 404 when the workflow is not open to the caller (a draft, or its project a draft or taken down, for anyone not a member); 409 `urn:chorus:problem:workflow-not-active` when it or its project is paused, or it is not active (members may still try it); 422 naming a bad query parameter.',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } })
  @ApiQuery({
    name: 'hold',
    required: false,
    description: 'Seconds the subjects served stay reserved for the caller (ASSIGNMENT_TTL_SECONDS when left out, and at most that): a page that may only be looked at asks for less.',
    schema: { type: 'integer', minimum: 60, maximum: 86400 },
  })
  @ApiQuery({
    name: 'renew',
    required: false,
    description: "Subject ids, separated by commas (at most 100): those the caller still holds in this workflow are held for the assignment lifetime again (a page whose volunteer is at work names the subjects it shows)",
    schema: { type: 'string' },
  })
  @ApiQuery({
    name: 'resume',
    required: false,
    description:
      'true: serve first the subjects the caller still holds in this workflow and may classify, in the order they were served, each held again (for `hold` seconds when given, never for less than it was), then new ones up to `limit`. For a page that goes on in place of one of the caller’s that died without giving its subjects back (a crash, a discarded tab), and that knows no other page of theirs shows them: the server cannot tell pages apart, and would serve a page still open the same subjects',
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiQuery({
    name: 'subjectSetId',
    required: false,
    description:
      'A subject set the workflow serves, for a workflow whose selection lets volunteers choose one (`volunteersChooseSubjectSet`; `GET /workflows/:id/queue/sets` lists them): only its subjects are served, in the workflow’s order within it (sequential: the set’s own order from its first unretired member; random: at random within it; priority: by priority), with the same guarantees as any batch. A newcomer trains first as anywhere in the workflow (`training`); gold-standard slots serve only the set’s own gold-standard subjects. `resume` serves first only the subjects the caller holds in this set. `finished: true` with `reason: set-finished` when the set has nothing left to the caller but the workflow has in other sets. 422 naming `/query/subjectSetId` when the workflow does not let volunteers choose, or that set is not one `GET /workflows/:id/queue/sets` lists (not served, the training set, or only gold-standard subjects)',
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiZodResponse(queueViewSchema, { description: 'The next subjects, each an outstanding assignment of the caller' })
  getQueue(
    @Param('id', uuidParam('id')) workflowId: string,
    @Query(new ZodPipe(queueQuerySchema, '/query')) { limit, hold, renew, resume, subjectSetId }: QueueQuery,
    @CurrentUser() user: AuthUser,
  ) {
    return this.assignment.queue(workflowId, user, limit, { hold, renew, resume }, subjectSetId ?? null);
  }

  @Get('sets')
  @ApiOperation({
    summary: 'The subject sets a volunteer may choose to work on in a workflow (a letter, a diary), each with how many of its subjects are left to classify.',
    description:
      'For a workflow whose selection lets volunteers choose (`volunteersChooseSubjectSet`): its linked subject sets in the order it serves them (not its training set, nor one with only gold-standard subjects), each with its subjects (gold-standard ones aside) and those not yet retired; `GET /workflows/:id/queue?subjectSetId=` serves one. Empty for a workflow that does not let them choose. No token needed for a public workflow; 404 for a workflow not open to the caller. As the public stats: the project’s team reads it as it is now, anyone else as this API process read it in the last 30 seconds; a save of the workflow’s subject sets shows at once in the process that saved it, and within 30 seconds in the others (a set just unlinked may be accepted by `subjectSetId` there meanwhile).',
  })
  @ApiZodResponse(choosableSetsSchema, { description: 'The sets, in the workflow’s order' })
  @Public()
  choosableSets(@Param('id', uuidParam('id')) workflowId: string, @OptionalUser() user?: AuthUser) {
    return this.assignment.choosableSets(workflowId, user);
  }

  @Post('holds')
  @ApiOperation({
    summary: 'Keeps the caller’s holds on subjects they are still working on, so that others are not served them (a volunteer’s page, every few minutes).',
    description: 'Body: `{ "subjectIds", "onScreen" }`: at most 100, and of them the one the page shows now (optional). The answer names those still held, and in `gone` those the workflow no longer asks for or the caller has classified meanwhile: the caller’s holds of those end in the same statement, but for `onScreen`, whose hold stays (a retirement ends no other hold: a volunteer still showing a subject researchers unretire is never served it again), so that the others are served to others at once if they are unretired, even when the page dies before it could give them back. Anyone who may read the workflow; 404 for others; 422 naming `/onScreen` when it is not one of `subjectIds`.',
  })
  @HttpCode(200)
  @ApiZodBody(heldSubjectsSchema, 'Subjects the caller was served and still works on (at most 100): a page whose volunteer is at work names those it shows, every few minutes, and the one on screen (`onScreen`), whose hold it keeps though the workflow no longer asks for it (its answer is still taken).')
  @ApiZodResponse(holdsRenewedSchema, { description: 'Those still held, now for the assignment lifetime again; the others lapsed, or were never held by the caller' })
  renewHolds(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(heldSubjectsSchema)) { subjectIds, onScreen }: HeldSubjects, @CurrentUser() user: AuthUser) {
    return this.assignment.renewHolds(workflowId, user, subjectIds, onScreen ?? null);
  }

  @Post('release')
  @ApiOperation({
    summary: 'Gives back subjects the caller was served and will not classify, so others may be served them at once.',
    description: 'Body: `{ "subjectIds" }` (at most 100) or `{ "all": true }`. Only the caller’s own holds are released: the answer names them, and a second call releases none.',
  })
  @HttpCode(200)
  @ApiZodBody(
    releasedHoldsSchema,
    'Subjects the caller was served and will not classify (`subjectIds`, at most 100), or `{ "all": true }` for every subject the caller holds in the workflow (a page of theirs that died without giving its subjects back): they go back to the pool at once, for others and for the caller, instead of when their holds lapse. A page of theirs still showing one may still answer it. A second call releases none.',
  )
  @ApiZodResponse(holdsReleasedSchema, { description: 'Those the caller held, now released' })
  releaseHolds(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(releasedHoldsSchema)) { subjectIds }: ReleasedHolds, @CurrentUser() user: AuthUser) {
    return this.assignment.releaseHolds(workflowId, user, subjectIds ?? null);
  }
}
