import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { User } from './user.entity';
import { Workflow } from './workflow.entity';

export interface StoredAnnotation {
  task: string;
  value: unknown;
  /** A transcription its volunteer asked the team to check; stored only when true. */
  unsure?: true;
}

/**
 * Whether a classification proposed tags (an answer whose value adds some), in SQL of its row: what the index of a
 * workflow's tag proposals holds, and so what a query of them must say to use it.
 */
export const PROPOSES_TAGS = "jsonb_path_exists(annotations, '$[*].value.add[0]')";

/**
 * The annotations are a list of objects, each naming its task: submits store nothing else (they are validated against
 * the workflow version), and aggregation, skills and downloads read them so. Said by the database too, so that no
 * other writer can store answers (SQL `null`, `[null]`) that would fail every aggregation of their subject.
 */
export const ANNOTATIONS_LIST = 'classifications_annotations_list';
export const ANNOTATIONS_LIST_CHECK = `jsonb_typeof(annotations) = 'array' AND NOT jsonb_path_exists(annotations, '$[*] ? (@.type() != "object" || !(@.task.type() == "string"))')`;

/** One volunteer's answers to one subject in one workflow version. */
@Entity('classifications')
@Check(ANNOTATIONS_LIST, ANNOTATIONS_LIST_CHECK)
@Index('classifications_once_per_volunteer_key', ['workflowId', 'subjectId', 'userId'], { unique: true })
@Index('classifications_idempotency_key', ['userId', 'idempotencyKey'], { unique: true })
/** A volunteer's classifications in a workflow, newest last: how many they made, and their recent ones page by page. */
@Index('classifications_user_recent_idx', ['userId', 'workflowId', 'createdAt', 'id'])
/** A volunteer's classifications in every workflow, newest last: "Your classifications", page by page. */
@Index('classifications_user_all_recent_idx', ['userId', 'createdAt', 'id'])
/** For the foreign key: deleting a subject looks here (only unclassified subjects are deleted). */
@Index('classifications_subject_idx', ['subjectId'])
/** A workflow's answers that proposed tags, the most recent first: moderators' list of them. */
@Index('classifications_tag_proposals_idx', ['workflowId', 'createdAt', 'id'], { where: PROPOSES_TAGS })
/** A workflow's tries made while it was a draft, by their volunteers: subtracted from its progress's counts. */
@Index('classifications_draft_tries_idx', ['workflowId', 'userId'], { where: 'made_in_draft' })
/** A workflow's counted classifications by version (its tries in draft left out): the versions view counts from it alone. */
@Index('classifications_versions_idx', ['workflowId', 'workflowVersion'], { where: 'NOT made_in_draft' })
/** A workflow's volunteers (its tries in draft left out): the stats read them in order, to count each once without a sort. */
@Index('classifications_volunteers_idx', ['workflowId', 'userId'], { where: 'NOT made_in_draft' })
/** A workflow's classifications by when they were made, with their volunteers (its tries in draft left out): a project's activity per day. */
@Index('classifications_activity_idx', ['workflowId', 'createdAt', 'userId'], { where: 'NOT made_in_draft' })
export class Classification {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @Column({ type: 'int' }) workflowVersion!: number;
  @Column('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @Column({ type: 'jsonb' }) annotations!: StoredAnnotation[];
  @Column({ type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @Column({ type: 'jsonb', default: {} }) metadata!: Record<string, unknown>;
  @Column({ type: 'varchar', length: 200 }) idempotencyKey!: string;
  /** The subject was already retired when this arrived: kept, but not counted toward retirement. */
  @Column({ type: 'boolean', default: false }) afterRetirement!: boolean;
  /** The subject is gold standard: used to learn volunteer skill, never counted toward retirement. */
  @Column({ type: 'boolean', default: false }) goldStandard!: boolean;
  /**
   * Made while the workflow was a draft (its team trying it, before volunteers could): kept and downloaded, never
   * counted toward consensus or retirement. Fixed when stored: activating the workflow later changes nothing of it.
   */
  @Column({ type: 'boolean', default: false }) madeInDraft!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** When `afterRetirement` last changed after the row was stored (a retirement, an unretirement); null if never. */
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}
