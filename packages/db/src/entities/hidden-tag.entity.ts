import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { Workflow } from './workflow.entity';

/**
 * A tag volunteers proposed for a subject in a tagging task that a moderator or researcher hid (an insult, someone's
 * personal data): later volunteers are no longer shown it as a proposal. One per workflow, subject, task and tag,
 * the tag normalised as consensus compares tags; the answers that gave it stay stored, and count as before.
 */
@Entity('hidden_tags')
/** For the foreign key: deleting a subject looks here. */
@Index('hidden_tags_subject_idx', ['subjectId'])
export class HiddenTag {
  @PrimaryColumn('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The tagging task's key. */
  @PrimaryColumn({ type: 'varchar', length: 64 }) task!: string;
  @PrimaryColumn({ type: 'text' }) tag!: string;
  /** The account that hid it (accounts are never deleted, only emptied, so the record keeps who it was). */
  @Column('uuid') hiddenBy!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) hiddenAt!: Date;
}

/**
 * A hiding undone: a tag a moderator or researcher showed to volunteers again, with the hiding it ended (who hid it,
 * when, why) and who showed it again, when. A tag may be hidden and shown again several times: one row each time.
 */
@Entity('unhidden_tags')
@Index('unhidden_tags_workflow_idx', ['workflowId', 'subjectId'])
/** For the foreign key: deleting a subject looks here. */
@Index('unhidden_tags_subject_idx', ['subjectId'])
export class UnhiddenTag {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @Column('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column({ type: 'varchar', length: 64 }) task!: string;
  @Column({ type: 'text' }) tag!: string;
  @Column('uuid') hiddenBy!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'timestamptz' }) hiddenAt!: Date;
  /** The account that showed it again (as `hiddenBy`, kept when the account is emptied). */
  @Column('uuid') unhiddenBy!: string;
  @CreateDateColumn({ type: 'timestamptz' }) unhiddenAt!: Date;
}
