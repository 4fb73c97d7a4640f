import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { Workflow } from './workflow.entity';

/**
 * A researcher's review of one task's consensus for one subject in one workflow (as ALICE reviews Zooniverse
 * transcriptions): approved as the consensus is (`value` null), or corrected to `value`, an answer the task takes, as
 * a volunteer's is stored. One per workflow, subject and task, the last review's; undoing it deletes the row.
 */
@Entity('consensus_reviews')
/** For the foreign key: deleting a subject looks here. */
@Index('consensus_reviews_subject_idx', ['subjectId'])
export class ConsensusReview {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) task!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The researcher's corrected answer, in the task's annotation format; null when they approved the consensus as it is. */
  @Column({ type: 'jsonb', nullable: true }) value!: unknown;
  /** The researcher who reviewed it (a user's id, kept if their account goes). */
  @Column('uuid') reviewedBy!: string;
  @Column({ type: 'timestamptz' }) reviewedAt!: Date;
}
