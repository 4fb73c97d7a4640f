import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { ProjectRole } from './project.entity';
import { Subject } from './subject.entity';
import { Workflow } from './workflow.entity';

/** A review is approved or corrected (`REVIEW_STATES` of @chorus/client). */
export const REVIEW_STATE = 'consensus_reviews_state';
export const REVIEW_STATE_CHECK = "state IN ('approved', 'corrected')";

/**
 * A researcher's or a reviewer's review of one task's consensus for one subject in one workflow (as ALICE reviews Zooniverse
 * transcriptions): approved as the consensus was (`value` its answer then), or corrected to `value`, an answer the task
 * takes, as a volunteer's is stored. One per workflow, subject and task, the last review's; undoing it deletes the row.
 */
@Entity('consensus_reviews')
@Check(REVIEW_STATE, REVIEW_STATE_CHECK)
/** For the foreign key: deleting a subject looks here. */
@Index('consensus_reviews_subject_idx', ['subjectId'])
/** A reviewer's own reviews in a workflow, which their list of results reaches (`inReviewersReach` in the API). */
@Index('consensus_reviews_reviewer_idx', ['workflowId', 'reviewedBy', 'subjectId'])
export class ConsensusReview {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) task!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** approved (the consensus answer as it was) or corrected (the researcher's own answer). */
  @Column({ type: 'varchar', length: 16 }) state!: 'approved' | 'corrected';
  /**
   * The answer the review settles on, in the task's annotation format, as a volunteer's is stored: the researcher's
   * correction, or the consensus answer they approved, as it was then (later votes may change the consensus, not this).
   */
  @Column({ type: 'jsonb' }) value!: unknown;
  /** For an approval, the consensus answer approved as the consensus stores it (`answer`): compared with it to tell that it changed since; null for a correction. */
  @Column({ type: 'text', nullable: true }) approvedConsensus!: string | null;
  /** For an approval, the consensus's `comparableAnswer` then (null: `approvedConsensus` as it is): an approval's consensus changed when the consensus's is not this. */
  @Column({ type: 'text', nullable: true }) approvedComparable!: string | null;
  /** The team member who reviewed it (a user's id, kept if their account goes). */
  @Column('uuid') reviewedBy!: string;
  /**
   * Their role in the project then: a reviewer, or a researcher. Null for a review made before Chorus kept the role by
   * someone no longer on the team.
   */
  @Column({ type: 'varchar', length: 16, nullable: true }) reviewedByRole!: ProjectRole | null;
  @Column({ type: 'timestamptz' }) reviewedAt!: Date;
}
