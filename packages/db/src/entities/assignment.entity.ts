import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { User } from './user.entity';
import { Workflow } from './workflow.entity';

/**
 * A subject handed to a volunteer and not yet classified. While it is outstanding the subject never reaches that
 * volunteer again (so prefetched batches never overlap) and counts toward the classifications the subject still
 * needs. Classifying deletes it; an abandoned one expires and the subject returns to the pool.
 */
@Entity('assignments')
@Index('assignments_subject_idx', ['workflowId', 'subjectId', 'expiresAt'])
export class Assignment {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') userId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column({ type: 'timestamptz', default: () => 'now()' }) assignedAt!: Date;
  @Column({ type: 'timestamptz' }) expiresAt!: Date;
}
