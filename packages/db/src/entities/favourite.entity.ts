import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Subject } from './subject.entity';
import { User } from './user.entity';
import { Workflow } from './workflow.entity';

/**
 * A subject a volunteer marked a favourite (Zooniverse's "Favorites"): to come back to, and a sign to its researchers
 * that volunteers found it interesting. One per volunteer and subject, whichever workflow showed it; that workflow
 * is kept, as where to classify more.
 */
@Entity('favourites')
/** A volunteer's favourites, newest first, a page at a time. */
@Index('favourites_user_recent_idx', ['userId', 'createdAt', 'subjectId'])
/** A subject's favourites counted for its researchers; and for the foreign key: deleting a subject looks here. */
@Index('favourites_subject_idx', ['subjectId'])
/** For the foreign key: deleting a workflow looks here. */
@Index('favourites_workflow_idx', ['workflowId'])
export class Favourite {
  @PrimaryColumn('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The workflow the volunteer was shown the subject in. */
  @Column('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
