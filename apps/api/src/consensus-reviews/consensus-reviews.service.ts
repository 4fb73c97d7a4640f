import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ConsensusReview, ProjectRole } from '@chorus/client';
import { type SubjectLocation, type Task, type WorkflowDefinition, comparableConsensusIn, consensusValueOf, fieldErrorsOf, holdsMarks, markedImageOf, noImageToMark, parseNewAnswer, storedComparableConsensus } from '@chorus/tasks';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, validationFailed } from '../common/problem';
import { researchersTransaction, returnedRows } from '../common/sql';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import type { ConsensusReviewInput } from './dto/consensus-review.dto';
import { APPROVABLE, IN_REVIEWERS_REACH, TIE, REVIEW_COLUMNS, REVIEWS_WITH_CONSENSUS, type ReviewRow, classifiedBy, noSubjectFor, toReview } from './review-sql';

/** The review of the task ($3) of the subject ($2) in the workflow ($1), with the reviewer's display name. */
const REVIEW = `
  SELECT ${REVIEW_COLUMNS}
  FROM ${REVIEWS_WITH_CONSENSUS} LEFT JOIN users u ON u.id = r.reviewed_by
  WHERE r.workflow_id = $1 AND r.subject_id = $2 AND r.task = $3`;

/**
 * Stores the review ($4: its state; $5: the answer it settles on as JSON; $6 and $7: for an approval, the consensus
 * answer approved as stored and its comparable form, the API's own (`storedComparableConsensus`), else null; $8: the
 * reviewer; $9: their role), unless the same reviewer's same review is there already: a replay keeps its time and the
 * role they reviewed in, as an approval naming its answer does (`approvedAlready`), though their role changed since.
 * Returns a row when it changed.
 */
const STORE_REVIEW = `
  INSERT INTO consensus_reviews (workflow_id, subject_id, task, state, value, approved_consensus, approved_comparable, reviewed_by, reviewed_by_role, reviewed_at)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, now())
  ON CONFLICT (workflow_id, subject_id, task) DO UPDATE
  SET state = EXCLUDED.state, value = EXCLUDED.value, approved_consensus = EXCLUDED.approved_consensus, approved_comparable = EXCLUDED.approved_comparable,
    reviewed_by = EXCLUDED.reviewed_by, reviewed_by_role = EXCLUDED.reviewed_by_role, reviewed_at = EXCLUDED.reviewed_at
  WHERE (consensus_reviews.state, consensus_reviews.value, consensus_reviews.approved_consensus, consensus_reviews.approved_comparable)
      IS DISTINCT FROM (EXCLUDED.state, EXCLUDED.value, EXCLUDED.approved_consensus, EXCLUDED.approved_comparable)
    OR consensus_reviews.reviewed_by <> EXCLUDED.reviewed_by
  RETURNING 1`;

/** Deletes the review of the task ($3) of the subject ($2) in the workflow ($1), only if by the reviewer $4 when given: a row when it did. */
const UNDO_REVIEW = `
  DELETE FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2 AND task = $3 AND ($4::uuid IS NULL OR reviewed_by = $4::uuid)
  RETURNING 1`;

/** A review changed: the subject's row changed, so a `since=` consensus download gives it again. */
const TOUCH_HOT_ROW = 'UPDATE subject_workflow_status SET updated_at = now() WHERE workflow_id = $1 AND subject_id = $2';

/**
 * Whether the reviewer ($3) classified the subject ($2) in the workflow ($1), and whether it is in their reach; no row
 * when the workflow has none for it. One read, no lock: an id out of their reach is answered as soon as an unknown one,
 * not after a submit or aggregation holding its row.
 */
const REVIEWABLE = `
  SELECT EXISTS (${classifiedBy('$1', '$2', '$3')}) AS classified, EXISTS (${IN_REVIEWERS_REACH}) AS in_reach
  FROM subject_workflow_status hot WHERE hot.workflow_id = $1 AND hot.subject_id = $2`;

/** The review of the task ($3) of the subject ($2) in the workflow ($1) by the reviewer ($4): a row when there is one. */
const OWN_REVIEW = 'SELECT 1 FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2 AND task = $3 AND reviewed_by = $4';

/** The consensus answer the reviewer ($4) approved of the task ($3) of the subject ($2) in the workflow ($1), as stored: a row when they did. */
const OWN_APPROVAL = "SELECT approved_consensus FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2 AND task = $3 AND reviewed_by = $4 AND state = 'approved'";

/**
 * A task's consensus row: its answer, the workflow version that computed it, whether it has an answer to approve or is
 * a tie. Not its stored comparable form: a worker of an earlier release, during a rollout, leaves it null or as it was.
 */
interface ConsensusRow {
  answer: string | null;
  workflow_version: number | null;
  approvable: boolean;
  tie: boolean;
}

/** A task's consensus (`row`, undefined: none) and the definition of the version that computed it (`consensusOf`). */
interface TaskConsensus {
  row: ConsensusRow | undefined;
  definition: WorkflowDefinition | undefined;
}

/**
 * An approval of an answer shown that is not the task's consensus answer any more: `now`, given as the problem's
 * `consensus` (not repeated in its detail), or null, a tie since.
 */
function consensusChanged(taskKey: string, now: string | null): ProblemException {
  const detail =
    now === null
      ? `The consensus of task "${taskKey}" has no answer now (the answers are tied since it was shown to you): correct it (value) or wait for more answers. Nothing was stored.`
      : `The consensus of task "${taskKey}" changed since it was shown to you (later classifications, or a re-aggregation): it is now another answer, given as \`consensus\`: look at it again, and approve it (send it as consensus) or correct it (value). Nothing was stored.`;
  const changed = new ProblemException(409, detail, [{ pointer: '/consensus', message: 'is not the consensus answer any more' }], 'consensus-changed');
  changed.body.consensus = now;
  return changed;
}

const ownClassification = () =>
  new ProblemException(
    403,
    'You classified this subject in this workflow yourself, and nobody reviews their own classification: leave its consensus to another reviewer or to a researcher.',
    [{ pointer: '/params/subjectId', message: 'names a subject you classified in this workflow' }],
    'own-classification',
  );

/**
 * Reviews of a consensus, task by task, by researchers (as ALICE reviews Zooniverse transcriptions) and by reviewers,
 * the trusted volunteers who check transcriptions (as Concordia's and FromThePage's do): approved as it is, or
 * corrected to their own answer. A reviewer never reviews a subject they classified in the workflow, and replaces and
 * undoes only their own reviews. The consensus stays as the volunteers' answers give it; the review sits beside it, in the results
 * and in the consensus download's `<task>_reviewed` columns.
 */
@Injectable()
export class ConsensusReviewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
  ) {}

  /**
   * Approves (no `value`) or corrects the task's consensus for the subject; the same review again changes nothing. An
   * approval keeps the consensus answer as it is now, in the task's annotation format: later votes may change the
   * consensus, not the answer approved. One that names the answer approved (`consensus`, as shown) approves only that
   * answer: the consensus changed since it was shown is refused, and a replay of an approval of it answers that approval.
   */
  async review(workflowId: string, subjectId: string, taskKey: string, { value, consensus: seen }: ConsensusReviewInput, user: AuthUser): Promise<ConsensusReview> {
    const { task, role, projectId } = await this.requireTask(workflowId, taskKey, user);
    const corrected = value === undefined ? null : await this.validAnswer(task, value, projectId);
    return researchersTransaction(this.db, async (manager) => {
      const reviewer = role === 'reviewer';
      if (reviewer) await this.requireReviewable(manager, workflowId, subjectId, user);
      if (!(await this.lockHotRow(manager, workflowId, subjectId))) throw noSubjectFor(role, subjectId, workflowId);
      if (reviewer) {
        // Again under the lock: the submit, aggregation or take-down it waited for may have taken the subject out of their reach.
        await this.requireReviewable(manager, workflowId, subjectId, user);
        await this.refuseOthersReview(manager, workflowId, subjectId, taskKey, user);
      }
      if (corrected !== null) await this.requireImageForMarks(manager, subjectId, taskKey, task, corrected);
      const consensus = await this.consensusOf(manager, workflowId, subjectId, taskKey);
      if (seen !== undefined && (await this.approvedAlready(manager, workflowId, subjectId, taskKey, consensus, user, seen))) return this.reviewOf(manager, workflowId, subjectId, taskKey);
      const approved = corrected === null ? requireConsensusAnswer(taskKey, consensus, seen) : null;
      const review =
        approved === null
          ? ['corrected', JSON.stringify(corrected), null, null]
          : ['approved', JSON.stringify(consensusValueOf(task, approved)), approved, storedComparableConsensus(consensus.definition, taskKey, approved)];
      const stored = returnedRows(await manager.query(STORE_REVIEW, [workflowId, subjectId, taskKey, ...review, user.id, role]));
      if (stored.length) await manager.query(TOUCH_HOT_ROW, [workflowId, subjectId]);
      return this.reviewOf(manager, workflowId, subjectId, taskKey);
    });
  }

  private async reviewOf(manager: EntityManager, workflowId: string, subjectId: string, taskKey: string): Promise<ConsensusReview> {
    const [row] = await manager.query<ReviewRow[]>(REVIEW, [workflowId, subjectId, taskKey]);
    return toReview(row!);
  }

  /**
   * Whether the caller's approval of the task is there already, of `seen`: a replay, answered as the first approval
   * was (its answer kept), though later votes changed the consensus since.
   */
  private async approvedAlready(manager: EntityManager, workflowId: string, subjectId: string, taskKey: string, consensus: TaskConsensus, user: AuthUser, seen: string): Promise<boolean> {
    const [own] = await manager.query<{ approved_consensus: string }[]>(OWN_APPROVAL, [workflowId, subjectId, taskKey, user.id]);
    return own !== undefined && sameAnswer(taskKey, consensus, own.approved_consensus, seen);
  }

  /**
   * The task's consensus for the subject (undefined: none), read under the subject's row lock, which aggregation takes
   * too, with the definition of the workflow version it was computed with: an answer approved or shown is compared with
   * it as that version defines the task (`sameAnswer`), as the reviews listed are, not as the current version does, and
   * an approval's comparable form is computed so (`storedComparableConsensus`), whatever the worker stored.
   * The definition is read through the transaction's manager, on its connection.
   */
  private async consensusOf(manager: EntityManager, workflowId: string, subjectId: string, taskKey: string): Promise<TaskConsensus> {
    const [row] = await manager.query<ConsensusRow[]>(
      `SELECT c.answer, c.workflow_version, ${APPROVABLE} AS approvable, ${TIE} AS tie FROM consensus c WHERE c.workflow_id = $1 AND c.subject_id = $2 AND c.task = $3`,
      [workflowId, subjectId, taskKey],
    );
    return { row, definition: row?.workflow_version == null ? undefined : await this.versions.definition(workflowId, row.workflow_version, manager) };
  }

  /**
   * Undoes the task's review for the subject: its consensus is not reviewed again. Nothing to undo is fine. A reviewer
   * undoes only their own review: without one, nothing is theirs to undo, whoever else reviewed it, or whether the
   * workflow has the subject at all (a refusal would tell them), and a replay answers as the first undo did, though the
   * subject left their list since. A researcher is told the workflow has no such subject (404).
   */
  async undo(workflowId: string, subjectId: string, taskKey: string, user: AuthUser): Promise<void> {
    const { role } = await this.requireTask(workflowId, taskKey, user);
    const reviewer = role === 'reviewer' ? user.id : null;
    await researchersTransaction(this.db, async (manager) => {
      // Without a review of theirs, a reviewer is answered at once, whatever holds the subject's row or whether there is one.
      if (reviewer && !(await manager.query(OWN_REVIEW, [workflowId, subjectId, taskKey, reviewer])).length) return;
      if (!(await this.lockHotRow(manager, workflowId, subjectId))) {
        if (reviewer) return;
        throw noSubjectFor(role, subjectId, workflowId);
      }
      const deleted = returnedRows(await manager.query(UNDO_REVIEW, [workflowId, subjectId, taskKey, reviewer]));
      if (deleted.length) await manager.query(TOUCH_HOT_ROW, [workflowId, subjectId]);
    });
  }

  /**
   * The task of the workflow's current version that `taskKey` names, and the role of the caller, one of its reviewers
   * or researchers; else 422 naming it.
   */
  private async requireTask(workflowId: string, taskKey: string, user: AuthUser): Promise<{ task: Task; role: ProjectRole; projectId: string }> {
    const { workflow, role } = await this.workflows.requireReviewer(workflowId, user);
    const definition = (await this.versions.definition(workflowId, workflow.version))!;
    const task = Object.hasOwn(definition.tasks, taskKey) ? definition.tasks[taskKey] : undefined;
    if (task) return { task, role, projectId: workflow.projectId };
    const keys = Object.keys(definition.tasks).map((key) => `"${key}"`).join(', ');
    throw validationFailed([{ pointer: '/params/task', message: `"${taskKey}" is not a task of the workflow's current version (its tasks are ${keys}; task keys are case-sensitive)` }]);
  }

  /**
   * The corrected answer as a volunteer's is stored (a transcription composed, NFC), read as a submit is: as stored,
   * else as typed in the project's language (a form's `12,5` in French, stored `12.5`); else 422 naming `/value`.
   */
  private async validAnswer(task: Task, value: unknown, projectId: string): Promise<unknown> {
    let parsed = parseNewAnswer(task, value);
    if (!parsed.success) {
      const [project]: { language: string }[] = await this.db.query('SELECT language FROM projects WHERE id = $1', [projectId]);
      parsed = parseNewAnswer(task, value, { language: project?.language });
    }
    if (!parsed.success) throw validationFailed(fieldErrorsOf(parsed.error, '/value'));
    return parsed.data;
  }

  /** Marks need an image to be on, as a volunteer's do (`holdsMarks`, `markedImageOf`): else 422 naming `/value`. */
  private async requireImageForMarks(manager: EntityManager, subjectId: string, taskKey: string, task: Task, value: unknown): Promise<void> {
    if (!holdsMarks({ [taskKey]: task }, [{ task: taskKey, value }])) return;
    const [subject] = await manager.query<{ locations: SubjectLocation[] }[]>('SELECT locations FROM subjects WHERE id = $1', [subjectId]);
    if (subject && !markedImageOf(subject.locations)) throw validationFailed([{ pointer: '/value', message: noImageToMark(taskKey) }]);
  }

  /**
   * A subject the reviewer did not classify (`own-classification`) and in their reach, else `not-to-check`, an id the
   * workflow has no row for too. Checked before anything about the subject's reviews is told: else an approval would
   * answer the consensus of any subject, a gold-standard one's too, and `review-by-another` would tell a reviewer which
   * of any subjects were reviewed.
   */
  private async requireReviewable(manager: EntityManager, workflowId: string, subjectId: string, user: AuthUser): Promise<void> {
    const [subject] = await manager.query<{ classified: boolean; in_reach: boolean }[]>(REVIEWABLE, [workflowId, subjectId, user.id]);
    if (subject?.classified) throw ownClassification();
    if (!subject?.in_reach) throw noSubjectFor('reviewer', subjectId, workflowId);
  }

  /** A reviewer does not replace another's review, a researcher's or another reviewer's (which they could then undo as theirs). */
  private async refuseOthersReview(manager: EntityManager, workflowId: string, subjectId: string, taskKey: string, user: AuthUser): Promise<void> {
    const [review] = await manager.query<{ reviewed_by: string }[]>(
      'SELECT reviewed_by FROM consensus_reviews WHERE workflow_id = $1 AND subject_id = $2 AND task = $3',
      [workflowId, subjectId, taskKey],
    );
    if (!review || review.reviewed_by === user.id) return;
    throw new ProblemException(
      403,
      `Task "${taskKey}" of this subject was reviewed by someone else: a reviewer changes and undoes only their own reviews; a researcher may change or undo it.`,
      [{ pointer: '/params/task', message: 'names a task whose consensus another team member reviewed' }],
      'review-by-another',
    );
  }

  /** Locks the subject's hot row, as submits and aggregation do, so its `updated_at` moves with the review: false when the workflow has none. */
  private async lockHotRow(manager: EntityManager, workflowId: string, subjectId: string): Promise<boolean> {
    const locked = await manager.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2 FOR UPDATE', [workflowId, subjectId]);
    return locked.length > 0;
  }
}

/**
 * The consensus answer to approve, as stored (`consensusOf`): a tie, a task nobody answered or one the consensus path
 * does not reach has none (422 naming `/value`). `seen`, the answer the caller was shown, must still be it
 * (`consensus-changed`), a tie since included; a task that has no consensus answer to approve otherwise is answered as
 * without `seen`, as it cannot be one that changed.
 */
function requireConsensusAnswer(taskKey: string, taskConsensus: TaskConsensus, seen: string | undefined): string {
  const consensus = taskConsensus.row;
  if (consensus?.approvable) {
    if (seen === undefined || sameAnswer(taskKey, taskConsensus, consensus.answer!, seen)) return consensus.answer!;
    throw consensusChanged(taskKey, consensus.answer);
  }
  if (seen !== undefined && consensus?.tie) throw consensusChanged(taskKey, null);
  throw validationFailed([{ pointer: '/value', message: `is needed: task "${taskKey}" has no consensus answer to approve for this subject (a tie, no answers yet, or a task its consensus path does not reach); send your answer as value to correct it` }]);
}

/**
 * Whether two consensus answers of the task (as stored, or as a client sent one back) are the same answer: the same
 * text, or the same comparable form (`comparableConsensusIn`, the rule the worker stores and `CONSENSUS_CHANGED`
 * compares), both as the version that computed the task's consensus defines the task.
 */
const sameAnswer = (taskKey: string, { definition }: TaskConsensus, one: string, other: string) =>
  one === other || comparableConsensusIn(definition, taskKey, one) === comparableConsensusIn(definition, taskKey, other);
