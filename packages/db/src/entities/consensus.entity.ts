import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { Workflow } from './workflow.entity';

/** The reduced result of one task for one subject in one workflow. */
@Entity('consensus')
/** For the foreign key: deleting a subject looks here. */
@Index('consensus_subject_idx', ['subjectId'])
/** A workflow's consensus that needs checking (`needsChecking`), for its results (its predicate in its migration). */
@Index('consensus_needs_checking_idx', { synchronize: false })
/** A workflow's consensus decided against most volunteers' answers, for its results (its predicate in its migration). */
@Index('consensus_against_plurality_idx', { synchronize: false })
export class Consensus {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) task!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The leading answer as text, for flat exports; null on a tie or without votes. */
  @Column({ type: 'text', nullable: true }) answer!: string | null;
  /**
   * The answer written so that the same answer is the same text (`storedComparableConsensus` of @chorus/tasks, as the
   * version that computed it defines the task): null when that is `answer` as it is, and for no answer.
   */
  @Column({ type: 'text', nullable: true }) comparableAnswer!: string | null;
  @Column({ type: 'jsonb' }) result!: Record<string, unknown>;
  @Column({ type: 'double precision', nullable: true }) agreement!: number | null;
  @Column({ type: 'int' }) votes!: number;
  @Column({ type: 'varchar', length: 64 }) algorithm!: string;
  @Column({ type: 'jsonb', default: {} }) parameters!: Record<string, unknown>;
  @Column({ type: 'timestamptz' }) computedAt!: Date;
  /** The workflow version whose tasks and rules this result was computed with. */
  @Column({ type: 'int', default: 1 }) workflowVersion!: number;
  /** The answer is not among those most volunteers gave (`pluralityStanding`'s `against`), as the worker wrote it. */
  @Column({ type: 'boolean', default: false }) againstPlurality!: boolean;
  /** The consensus is worth a researcher's check (`needsChecking` of @chorus/consensus), as the worker wrote it. */
  @Column({ type: 'boolean', default: false }) needsChecking!: boolean;
}

/** What a weighted algorithm knows of one volunteer's skill on one task of a workflow. */
@Entity('volunteer_skills')
export class VolunteerSkill {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') userId!: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) task!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  /** Learned confusion counts: confusion[trueAnswer][givenAnswer] = weight of evidence (packages/consensus `learnSkills`). */
  @Column({ type: 'jsonb' }) confusion!: Record<string, Record<string, number>>;
  @Column({ type: 'int', default: 0 }) evidence!: number;
  @Column({ type: 'timestamptz' }) updatedAt!: Date;
}
