import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { consensusReviewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe, uuidParam } from '../common/zod';
import { AccessFirst } from '../projects/access-first';
import { WORKFLOW_REVIEWERS } from '../workflows/workflows.service';
import { type ConsensusReviewInput, consensusReviewInputSchema } from './dto/consensus-review.dto';
import { ConsensusReviewsService } from './consensus-reviews.service';

@ApiTags('subject-results')
@ApiBearerAuth()
@Controller('workflows/:id/subjects/:subjectId/reviews/:task')
export class ConsensusReviewsController {
  constructor(private readonly reviews: ConsensusReviewsService) {}

  @Put()
  @AccessFirst(WORKFLOW_REVIEWERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approves a task’s consensus answer for a subject, the one shown, or corrects it to the reviewer’s answer (reviewers and researchers).',
    description:
      'Body: `{ "consensus": <answer> }` approves the consensus answer the caller was shown, as the results give it (`consensus.<task>.answer`, sent as received), kept as the review’s `value` (later votes may change the consensus, not the answer approved: `consensusChanged` says they did). If the task’s consensus answer is not that one any more (a classification came and was aggregated since; a multiple choice’s or tagging task’s answers, and a marking task’s marks, in any order; a form’s JSON whatever its keys’ order and spacing; a transcription composed, NFC), nothing is stored: 409 `urn:chorus:problem:consensus-changed` naming `/consensus`, its `consensus` the answer now (null: a tie since), to show and look at again; the same approval again (a replay) answers the review it made, though the consensus changed since, in the role it was made in. `{}` (or none) approves the consensus answer as it is when the approval arrives, whatever it became since it was shown: clients should send `consensus`. `consensus` with `value`, or not a string: 422 naming `/consensus`. `{ "value": <answer> }` corrects it, the answer checked as a volunteer’s is (422 naming `/value`, or the field within it at fault, `/value/0/x`; a transcription stored composed, NFC; marks on a subject without an image refused, as a volunteer’s are; a marking task’s `<task>.<tool>` download columns stay the consensus’s counts, the corrected marks in `<task>_reviewed_answer` and counted in `<task>_reviewed.<tool>`). ' +
      'The same review again changes nothing; another replaces it. The consensus stays as the volunteers’ answers give it: the review is beside it, in the results (`reviews`) and in the consensus download (`<task>_reviewed`, `<task>_reviewed_answer`), and the subject’s row comes again in a `since=` download. ' +
      'The review keeps who made it and in which role (`reviewedBy.role`): a reviewer, a trusted volunteer the project invited to check its consensus, or a researcher. A reviewer never reviews a subject they classified in the workflow themselves: 403 `urn:chorus:problem:own-classification` naming `/params/subjectId`; nor one out of their list (a subject whose consensus waits for no check, of known answers, or reviewed by someone else, and none of whose tasks they reviewed, or one the project’s team took down) nor one the workflow has no row for, answered alike, on this route, an unknown id and one out of their list (a researcher gets 404 for it): 403 `urn:chorus:problem:not-to-check` naming `/params/subjectId`, as an approval answers the consensus; checked before anything about the subject’s reviews is told; nor, of a subject in their list, replaces a review someone else made (a researcher or another reviewer): 403 `urn:chorus:problem:review-by-another` naming `/params/task` (a researcher replaces anyone’s). ' +
      'A task key that is not a task of the workflow’s current version: 422 naming `/params/task`; approving a task without a consensus answer (a tie, no answers, a task the consensus path does not reach): 422 naming `/value`, `consensus` sent or not (409 `consensus-changed`, `consensus` null, for a tie since the answer it names was shown). Anyone else gets 403 (404 when the workflow is not public to them).',
  })
  @ApiParam({ name: 'task', description: 'The task’s key, as the workflow definition names it (T0)' })
  @ApiZodBody(consensusReviewInputSchema, 'Send consensus, the answer shown, to approve it; give value to correct it.')
  @ApiZodResponse(consensusReviewSchema, { description: 'The review, as the results give it' })
  @ApiProblemResponse({ status: 409, description: 'consensus-changed: the task’s consensus answer is not the one `consensus` names any more; nothing was stored, and the problem’s `consensus` is the answer now (null: none), to look at again' })
  reviewConsensus(
    @Param('id', uuidParam('id')) workflowId: string,
    @Param('subjectId', uuidParam('subjectId')) subjectId: string,
    @Param('task') task: string,
    @Body(new ZodPipe(consensusReviewInputSchema)) input: ConsensusReviewInput,
    @CurrentUser() user: AuthUser,
  ) {
    return this.reviews.review(workflowId, subjectId, task, input, user);
  }

  @Delete()
  @AccessFirst(WORKFLOW_REVIEWERS)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Undoes the review of a task’s consensus for a subject: not reviewed again (reviewers, their own reviews; researchers, any).',
    description: 'Nothing to undo answers 204 too, so a replay answers as the first undo did. A reviewer undoes their own review of the task only: without one, 204 and nothing changes, whether someone else reviewed it or nobody did (which a reviewer is not told), whether or not the subject is in their list (a replay after it left it), and whether or not the workflow has the subject at all (a researcher gets 404 for a subject the workflow has no row for). The subject’s row comes again in a `since=` consensus download when a review was undone. Anyone else gets 403 (404 when the workflow is not public to them).',
  })
  @ApiParam({ name: 'task', description: 'The task’s key, as the workflow definition names it (T0)' })
  @ApiNoContentResponse({ description: 'The consensus is not reviewed (any more, or it never was: the same answer)' })
  @ApiProblemResponse()
  async undoReview(@Param('id', uuidParam('id')) workflowId: string, @Param('subjectId', uuidParam('subjectId')) subjectId: string, @Param('task') task: string, @CurrentUser() user: AuthUser) {
    await this.reviews.undo(workflowId, subjectId, task, user);
  }
}
