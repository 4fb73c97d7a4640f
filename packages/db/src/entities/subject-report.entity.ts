import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { User } from './user.entity';
import { Workflow } from './workflow.entity';

/**
 * A volunteer's report that a subject they were served in a workflow cannot be classified as it is (its image does not
 * load, it is blank, sensitive…), for the workflow's researchers to look at. One per volunteer, subject and workflow.
 */
@Entity('subject_reports')
@Index('subject_reports_once_per_volunteer_key', ['workflowId', 'subjectId', 'userId'], { unique: true })
/** For the foreign keys: deleting a subject or an account looks here. */
@Index('subject_reports_subject_idx', ['subjectId'])
/** Also for the queue's workflow lookup: whether the volunteer reported any subject of the workflow. */
@Index('subject_reports_user_workflow_idx', ['userId', 'workflowId'])
/** A workflow's open reports, as its project's moderators' count reads them (`openReportsSql`). */
@Index('subject_reports_open_idx', ['workflowId', 'subjectId'], { where: 'dismissed_at IS NULL' })
export class SubjectReport {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @Column('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  /**
   * Whose it was when it was made, never changed: `userId` becomes the account's when a guest signs in to one, this stays
   * the guest's, so that the report's pseudonym in downloads does not change then (`ReporterPseudonyms`). No foreign key:
   * only the pseudonym is made of it. Set to `userId` by the database when a report is stored without it (a trigger,
   * `ReporterIdsOfEarlierReleases1797251058000`).
   */
  @Column('uuid') reporterId!: string;
  /** One of `SUBJECT_REPORT_REASONS` (`@chorus/client`). */
  @Column({ type: 'varchar', length: 32 }) reason!: string;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  /** When the volunteer first reported the subject: the list's order, which a report made again does not move. */
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** When they last gave its reason and note: at first, again with other words while open, or again after a dismissal. */
  @Column({ type: 'timestamptz', default: () => 'now()' }) reportedAt!: Date;
  /** When it last changed (made again, dismissed, its note erased with its volunteer's account): an incremental download gives it again. */
  @Column({ type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
  /** When a moderator or researcher dismissed it (handled, the subject left served), who (their user id) and their note. */
  @Column({ type: 'timestamptz', nullable: true }) dismissedAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) dismissedBy!: string | null;
  @Column({ type: 'text', nullable: true }) dismissalNote!: string | null;
}
