import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Project } from './project.entity';
import { Subject } from './subject.entity';
import { User } from './user.entity';

/**
 * A volunteer's comment in a subject's discussion (Zooniverse's Talk): a question about it ("is this a stamp or a
 * postmark?"), an answer from the research team, a #hashtag. Kept when its author's account is deleted (the account's
 * row stays, nameless); hidden by the project's moderators and researchers, with a reason, rather than erased.
 */
@Entity('subject_comments')
/** A subject's discussion, oldest first, a page at a time. */
@Index('subject_comments_subject_idx', ['subjectId', 'createdAt', 'id'])
/** A project's recent discussions, newest first, a page at a time. */
@Index('subject_comments_project_recent_idx', ['projectId', 'createdAt', 'id'])
/** A project's comments changed since a moment (`since=` comments downloads). */
@Index('subject_comments_project_changed_idx', ['projectId', 'updatedAt', 'id'])
/** For the foreign key: deleting an account looks here. */
@Index('subject_comments_user_idx', ['userId'])
/** A project's comments with a hashtag (`hashtags @> ARRAY[tag]`): a GIN index, which TypeORM cannot say, so built by its migration alone. */
@Index('subject_comments_hashtags_idx', { synchronize: false })
export class SubjectComment {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** Its author (an account; guests do not comment). */
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  /** Markdown, trimmed, 1 to `COMMENT_LIMITS.bodyLength` characters. */
  @Column({ type: 'text' }) body!: string;
  /** The body's #hashtags, lower case, each once, in the order they first appear. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) hashtags!: string[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** When its author last edited it (null: never). */
  @Column({ type: 'timestamptz', nullable: true }) editedAt!: Date | null;
  /** When a moderator or researcher hid it from volunteers (null: shown). */
  @Column({ type: 'timestamptz', nullable: true }) hiddenAt!: Date | null;
  /** Who hid it (accounts are never deleted, only emptied). */
  @Column({ type: 'uuid', nullable: true }) hiddenBy!: string | null;
  @Column({ type: 'text', nullable: true }) hiddenReason!: string | null;
  /**
   * When it last changed in a way its download shows (posted, edited, hidden or shown, its author's account deleted):
   * what a `since=` download compares. Stamped by each of those statements, not by TypeORM.
   */
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt!: Date;
}

/**
 * A comment deleted (by its author, or with its subject), so that a `since=` comments download can give its tombstone
 * (`recordCommentDeletions`). No foreign key to the subject: one deleted took its comments with it, and its external
 * id is kept here for the tombstone.
 */
@Entity('subject_comment_deletions')
@Index('subject_comment_deletions_project_idx', ['projectId', 'deletedAt'])
export class SubjectCommentDeletion {
  @PrimaryColumn('uuid') commentId!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column('uuid') subjectId!: string;
  @Column({ type: 'text', nullable: true }) externalId!: string | null;
  @Column({ type: 'timestamptz' }) deletedAt!: Date;
}
