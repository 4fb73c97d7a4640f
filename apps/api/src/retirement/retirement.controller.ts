import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { prioritiesSetSchema, subjectsRetiredSchema, subjectsUnretiredSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { type PrioritiesInput, type RetireRequest, type RetirementRequest, prioritiesSchema, retireRequestSchema, retirementRequestSchema } from './dto/retirement.dto';
import { RetirementService } from './retirement.service';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_MODERATORS, WORKFLOW_RESEARCHERS } from '../workflows/workflows.service';

@ApiTags('retirement')
@ApiBearerAuth()
@Controller('workflows/:id')
export class RetirementController {
  constructor(private readonly retirement: RetirementService) {}

  @Post('retire')
  @ApiOperation({
    summary: 'Retires subjects by hand: volunteers are no longer served them (the workflow’s researchers; a moderator, only subjects volunteers reported).',
    description: 'Body: `subjectIds`, `externalIds` or a `subjectSetId`, a `reason`, and `takeDown`. Subjects already retired are left as they were, but by a take-down. A take-down (personal data, sensitive content) is a moderator’s retirement, or a researcher’s that sends `takeDown: true` (of subjects named one by one: with `subjectSetId`, 422 at `/takeDown`); a researcher’s retirement of a reported subject without it is not one. It retires each subject named as taken down, even one retired already (by its rule, say: its earlier retirement is kept in the record, `earlier`), and every row of it in every other workflow of the project, retired there or not (or left as its set was unlinked there), and in any workflow it joins later, with the same reason and who did it (`takenDown`); each is unretired by name in its own workflow alone, and unretiring a set leaves it retired. Sent again (a retry too: this route takes no Idempotency-Key), a take-down of a subject taken down here already changes nothing here, and elsewhere takes down only the rows an older take-down never reached (a moderator’s retirement made before take-downs were carried to other workflows, or one that left a row retired there already as it was): a row a researcher unretired by name in another workflow stays so when a take-down is sent again where the subject is still down (a new take-down of it, where it is not down now, reaches that row too). Volunteers are then shown it nowhere (`takenDown`, without its locations or metadata, in its discussion, their favourites and classifications), and may neither post nor edit comments on it. A subject outside the workflow is refused, naming it (422), and so is the whole request. A moderator naming a set or a subject nobody else reported gets 403 naming each. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_MODERATORS)
  @HttpCode(200)
  @ApiZodBody(retireRequestSchema, 'Retire subjects by id or a whole subject set, with a reason (researchers; a moderator, only subjects volunteers reported in the workflow, by id or externalId, always as a take-down); `takeDown: true` takes the subjects named down.')
  @ApiZodResponse(subjectsRetiredSchema, { description: 'How many subjects this retired (those already retired are left as they were)' })
  retireSubjects(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(retireRequestSchema)) request: RetireRequest, @CurrentUser() user: AuthUser) {
    return this.retirement.retire(workflowId, request, user);
  }

  @Post('unretire')
  @ApiOperation({
    summary: 'Returns retired subjects to the queue, with a reason (the workflow’s researchers).',
    description: 'Body as for retiring. A subject outside the workflow is refused, naming it (422). A subject retired by moderation (taken down, in this workflow or carried over from another, or retired by a researcher on a volunteer’s report) stays retired when its set is unretired (`leftModerated`); named by id or externalId it is unretired (`moderatedUnretired`) in this workflow alone (a take-down’s rows in other workflows stay, and volunteers are shown the subject nowhere while one does), and the consensus download keeps who retired it and why (`unretired_retirement`). Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @HttpCode(200)
  @ApiZodBody(retirementRequestSchema, 'Return retired subjects to the queue, with a reason.')
  @ApiZodResponse(subjectsUnretiredSchema, { description: 'How many subjects this returned to the queue' })
  unretireSubjects(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(retirementRequestSchema)) request: RetirementRequest, @CurrentUser() user: AuthUser) {
    return this.retirement.unretire(workflowId, request, user);
  }

  @Post('priorities')
  @ApiOperation({
    summary: 'Sets subjects’ priorities for a workflow with `priority` selection: lower is served first, at once (the workflow’s researchers).',
    description: 'Body: `{ "priorities": [{ "subjectId" or "externalId", "priority" }] }`. A subject outside the workflow is refused, naming it (422), and so is the whole request. Anyone else gets 403 (404 when the workflow is not public to them, as in a draft project).',
  })
  @AccessFirst(WORKFLOW_RESEARCHERS)
  @HttpCode(200)
  @ApiZodBody(prioritiesSchema, 'Set subject priorities for `priority` selection; lower is served first, at once.')
  @ApiZodResponse(prioritiesSetSchema)
  setSubjectPriorities(@Param('id', uuidParam('id')) workflowId: string, @Body(new ZodPipe(prioritiesSchema)) input: PrioritiesInput, @CurrentUser() user: AuthUser) {
    return this.retirement.setPriorities(workflowId, input, user);
  }
}
