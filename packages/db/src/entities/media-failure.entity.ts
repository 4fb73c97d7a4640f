import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { User } from './user.entity';
import { Workflow } from './workflow.entity';

/**
 * A volunteer's browser could not load one of a subject's images or recordings in a workflow: said by the classifier
 * itself, without the volunteer doing anything (unlike a `SubjectReport`), so that researchers hear of media that do not
 * load. One per volunteer, subject, workflow and location: a replay, or the same failure again, counts nothing more.
 */
@Entity('media_failures')
@Index('media_failures_once_per_volunteer_key', ['workflowId', 'subjectId', 'userId', 'location'], { unique: true })
/** For the foreign keys: deleting a subject or an account looks here. */
@Index('media_failures_subject_idx', ['subjectId'])
@Index('media_failures_user_idx', ['userId'])
export class MediaFailure {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @Column('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  /** Which of the subject's locations, numbered from 1 (as a task's `showLocation`). */
  @Column('smallint') location!: number;
  /** The address that failed, as the subject had it then (a researcher may correct it since). */
  @Column('text') url!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
