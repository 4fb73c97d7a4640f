import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Subject, SubjectSet } from './subject.entity';
import { Workflow } from './workflow.entity';

/**
 * The hot row: one subject in one workflow. Assignment reads it; aggregation writes it.
 * `classificationCount` counts every classification; `aggregatedCount` is how many the latest aggregation saw.
 * No index covers a column that a submit changes (`classification_count`, `counted_count`, `draft_tries`, `updated_at`), in its
 * columns or its `WHERE`, nor one that aggregation changes short of a retirement (`aggregated_count`, `judged_count`),
 * so their updates are HOT (the table leaves room on each page for them; apps/worker/test/hot-row.test.ts checks
 * both); the work a submit leaves for aggregation is recorded in `aggregation_outbox`.
 */
@Entity('subject_workflow_status')
@Index('subject_workflow_status_queue_idx', ['workflowId', 'random'], { where: 'retired_at IS NULL' })
@Index('subject_workflow_status_priority_idx', ['workflowId', 'priority', 'random'], { where: 'retired_at IS NULL' })
@Index('subject_workflow_status_gold_idx', ['workflowId', 'random'], { where: 'retired_at IS NULL AND gold_standard' })
// For the foreign key: deleting a subject looks here. A subject id never changes, so a submit's update stays HOT.
@Index('subject_workflow_status_subject_idx', ['subjectId'])
/** Rows kept only for a volunteer's hold when their set was unlinked: the reconciler reads only these. */
@Index('subject_workflow_status_kept_for_hold_idx', ['workflowId', 'subjectId'], { where: 'kept_for_hold' })
/** A workflow's retired subjects, and those it still serves, in id order, for its results page by page (only a retirement changes `retired_at`, never a submit). */
@Index('subject_workflow_status_retired_idx', ['workflowId', 'subjectId'], { where: 'retired_at IS NOT NULL' })
@Index('subject_workflow_status_active_idx', ['workflowId', 'subjectId'], { where: 'retired_at IS NULL' })
/** The subjects taken down (`isTakenDownSql`), which `takenDownSql` probes for each consensus row: its condition must read exactly as the queries write it, which TypeORM would rewrite, so built by its migration alone. */
@Index('subject_workflow_status_taken_down_idx', { synchronize: false })
/** A workflow's subjects taken down, which the pages next to a subject leave out of its set's count: a few rows, where the retired ones above may be most of the workflow. Built by its migration alone, as the one above. */
@Index('subject_workflow_status_workflow_taken_down_idx', { synchronize: false })
/** A workflow's subjects, retired and gold-standard ones, those of unlinked sets left out (`isUnlinked`): the stats count them from it alone. Built by its migration alone, as the one above. */
@Index('subject_workflow_status_figures_idx', { synchronize: false })
export class SubjectWorkflowStatus {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column({ type: 'int', default: 0 }) classificationCount!: number;
  /** Of `classificationCount`, the team's tries while the workflow was a draft (`made_in_draft`), which count toward nothing. */
  @Column({ type: 'int', default: 0 }) draftTries!: number;
  /** Classifications that count toward retirement (not gold standard, not after retirement, not made in draft): what the queue's cap uses. */
  @Column({ type: 'int', default: 0 }) countedCount!: number;
  @Column({ type: 'int', default: 0 }) aggregatedCount!: number;
  /**
   * The counted classifications (in the order they came) that aggregation last found while the subject stayed open:
   * a rule they meet only later (skills learned again, a rule made easier) retires the subject at the last of them.
   * Aggregation sets it, and an unretirement that restores answers given while retired: they are all judged at once,
   * so a rule they meet only with them retires the subject at the last of them.
   */
  @Column({ type: 'int', default: 0 }) judgedCount!: number;
  @Column({ type: 'timestamptz', nullable: true }) retiredAt!: Date | null;
  /** `count`, `agreement`, `posterior` or `manual`, with details in `retirementDetail`. */
  @Column({ type: 'varchar', length: 32, nullable: true }) retirementReason!: string | null;
  @Column({ type: 'jsonb', nullable: true }) retirementDetail!: Record<string, unknown> | null;
  /** The last time a researcher unretired the subject by hand: kept when it retires again (by its rule or by hand). */
  @Column({ type: 'timestamptz', nullable: true }) unretiredAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) unretiredBy!: string | null;
  /** Their role in the project then. */
  @Column({ type: 'varchar', length: 16, nullable: true }) unretiredByRole!: string | null;
  @Column({ type: 'text', nullable: true }) unretirementNote!: string | null;
  /** The retirement that unretirement undid: `reason`, `at`, and for one by hand `note`, `by` and `role`. */
  @Column({ type: 'jsonb', nullable: true }) unretiredRetirement!: Record<string, unknown> | null;
  @Column({ type: 'uuid', nullable: true }) retiredByClassificationId!: string | null;
  /**
   * The workflow version whose retirement rule retired the subject (`count`, `agreement`, `posterior`, `maximum`), set
   * when it retires; null while it is served, and for a retirement by hand (`manual`) or by its set leaving (`unlinked`).
   */
  @Column({ type: 'int', nullable: true }) retiredUnderVersion!: number | null;
  @Column({ type: 'double precision', default: 0 }) priority!: number;
  /** Whether the subject has a known answer (`subjects.gold_standard`, fixed when the subject is added), for the queue's gold-standard slots. */
  @Column({ type: 'boolean', default: false }) goldStandard!: boolean;
  /**
   * Kept, retired as `unlinked`, only because a volunteer held the subject when it left the workflow (`UNLINK`): the
   * reconciler removes the row once the hold has ended unanswered, or clears this once it is answered or linked again.
   * Its own column, not `classification_count = 0`, so that the index that finds these rows names no column a submit changes.
   */
  @Column({ type: 'boolean', default: false }) keptForHold!: boolean;
  /**
   * A random key, so that random selection is an index probe from a random point; spread evenly among the subjects
   * that join a workflow together (`joinWorkflows`).
   */
  @Column({ type: 'double precision', default: () => 'random()' }) random!: number;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/**
 * A subject that left a workflow without a row kept there (never classified there: its set unlinked or deleted, taken
 * out of its set by a researcher or by routing, or a row kept only for a hold removed), so that a `since=` consensus
 * download can say it left (`recordDepartures`). One row per workflow and subject, the last departure's; a subject
 * back in the workflow has its row again, which the download gives instead. No foreign key to the subject: one deleted
 * with its set left too, and its external id is kept here for its tombstone.
 */
@Entity('subject_workflow_departures')
export class SubjectWorkflowDeparture {
  @PrimaryColumn('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @PrimaryColumn('uuid') subjectId!: string;
  @Column({ type: 'text', nullable: true }) externalId!: string | null;
  @Column({ type: 'timestamptz' }) leftAt!: Date;
}

/**
 * A subject that left a subject set (taken out by a researcher or by routing, or deleted with its membership), so
 * that a `since=` download of that set alone (`subjectSetId`) can say it left (`recordSetDepartures`). One row per set
 * and subject, the last departure's; a subject back in the set is a member again, which the download gives instead.
 * Read by set along the primary key: a set's own departures, never the table's. No foreign key to the subject: one
 * deleted as it left keeps its external id here for its tombstone.
 */
@Entity('subject_set_departures')
export class SubjectSetDeparture {
  @PrimaryColumn('uuid') subjectSetId!: string;
  @ManyToOne(() => SubjectSet, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_set_id' }) subjectSet?: Relation<SubjectSet>;
  @PrimaryColumn('uuid') subjectId!: string;
  @Column({ type: 'text', nullable: true }) externalId!: string | null;
  @Column({ type: 'timestamptz' }) leftAt!: Date;
}
