import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { BoardDiscussion } from './board.entity';
import { Project } from './project.entity';
import { Subject } from './subject.entity';
import { User } from './user.entity';
import { Webhook } from './webhook.entity';
import { Workflow } from './workflow.entity';

/**
 * A volunteer's comment in a subject's discussion (Zooniverse's Talk): a question about it ("is this a stamp or a
 * postmark?"), an answer from the research team, a #hashtag. Kept when its author's account is deleted (the account's
 * row stays, nameless); hidden by the project's moderators and researchers, with a reason, rather than erased.
 */
@Entity('subject_comments')
/** In a subject's discussion or in a board's, never both. */
@Check('subject_comments_one_discussion', 'num_nonnulls(subject_id, board_discussion_id) = 1')
/** A subject's discussion, oldest first, a page at a time. */
@Index('subject_comments_subject_idx', ['subjectId', 'createdAt', 'id'])
/** A board discussion's comments, oldest first, a page at a time; and for the foreign key. */
@Index('subject_comments_board_discussion_idx', ['boardDiscussionId', 'createdAt', 'id'])
/** A project's recent discussions, newest first, a page at a time. */
@Index('subject_comments_project_recent_idx', ['projectId', 'createdAt', 'id'])
/** A project's comments changed since a moment (`since=` comments downloads). */
@Index('subject_comments_project_changed_idx', ['projectId', 'updatedAt', 'id'])
/** A volunteer's comments in a project, newest first, a page at a time (the team's `author=` list); and for the foreign key: deleting an account looks here. */
@Index('subject_comments_user_project_idx', ['userId', 'projectId', 'createdAt', 'id'])
/** A volunteer's own comments across projects, newest first a page at a time, and oldest first for their download. */
@Index('subject_comments_user_recent_idx', ['userId', 'createdAt', 'id'])
/** A project's comments with a hashtag (`hashtags @> ARRAY[tag]`): a GIN index, which TypeORM cannot say, so built by its migration alone. */
@Index('subject_comments_hashtags_idx', { synchronize: false })
export class SubjectComment {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  /** The subject whose discussion it is in (null: a board discussion's). */
  @Column({ type: 'uuid', nullable: true }) subjectId!: string | null;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The board discussion it is in (null: a subject's). */
  @Column({ type: 'uuid', nullable: true }) boardDiscussionId!: string | null;
  @ManyToOne(() => BoardDiscussion, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'board_discussion_id' }) boardDiscussion?: Relation<BoardDiscussion>;
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
   * The comment it answers, on the same subject (null: none). No foreign key: the id stays once that one is deleted,
   * for the download's `reply_to` (whose tombstone says so); its discussion then shows no "in reply to".
   */
  @Column({ type: 'uuid', nullable: true }) replyTo!: string | null;
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
  /** Its subject (null: a board discussion's comment). */
  @Column({ type: 'uuid', nullable: true }) subjectId!: string | null;
  /** Its board discussion (null: a subject's comment). */
  @Column({ type: 'uuid', nullable: true }) boardDiscussionId!: string | null;
  @Column({ type: 'text', nullable: true }) externalId!: string | null;
  @Column({ type: 'timestamptz' }) deletedAt!: Date;
}

/**
 * Why a volunteer is notified of a comment: it replies to theirs, it mentions them (`@name`), it calls the team
 * (`@team`), or it is new in a discussion they follow (`discussion`: they commented in it or followed it).
 */
export type CommentNotificationKind = 'reply' | 'mention' | 'team-mention' | 'discussion';
/**
 * Why a volunteer is notified: of a comment, or (`workflow-complete`) that a workflow they classified in, or research,
 * is complete, or (`webhook-disabled`) that a webhook of a project they own was turned off after failing too often.
 */
export type NotificationKind = CommentNotificationKind | 'workflow-complete' | 'webhook-disabled';

/**
 * A volunteer told of something (Zooniverse's Talk notifications): of a comment, one per volunteer and comment,
 * whichever reason came first; or of a workflow's completion (`workflow-complete`), one per volunteer and completion
 * (a workflow reopened and complete again is a new one). Goes with its comment or workflow when it is deleted, and
 * with the volunteer's account when they delete it. Exactly one of `commentId`, `workflowId` and `webhookId` is set.
 */
@Entity('comment_notifications')
/** A volunteer's notifications, newest first, a page at a time. */
@Index('comment_notifications_user_recent_idx', ['userId', 'createdAt', 'id'])
/** A volunteer's unread notifications, counted on every page. */
@Index('comment_notifications_unread_idx', ['userId'], { where: 'read_at IS NULL' })
/** One per volunteer and comment; and for the foreign key: deleting a comment looks here. */
@Index('comment_notifications_comment_user_key', ['commentId', 'userId'], { unique: true })
/** One per volunteer and completion of a workflow (a job run twice tells once); and for the foreign key. */
@Index('comment_notifications_completion_user_key', ['workflowId', 'completedAt', 'userId'], { unique: true, where: 'workflow_id IS NOT NULL' })
/** For the foreign key: deleting a webhook looks here. */
@Index('comment_notifications_webhook_idx', ['webhookId'], { where: 'webhook_id IS NOT NULL' })
export class CommentNotification {
  @PrimaryGeneratedColumn('uuid') id!: string;
  /** The volunteer told (an account). */
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  /** The comment it tells of (null: a workflow's completion). */
  @Column({ type: 'uuid', nullable: true }) commentId!: string | null;
  @ManyToOne(() => SubjectComment, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'comment_id' }) comment?: Relation<SubjectComment>;
  /** The workflow whose completion it tells of (null: a comment's). */
  @Column({ type: 'uuid', nullable: true }) workflowId!: string | null;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  /** The webhook turned off it tells of (`webhook-disabled`). */
  @Column({ type: 'uuid', nullable: true }) webhookId!: string | null;
  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'webhook_id' }) webhook?: Relation<Webhook>;
  /** Which completion of the workflow: its `completed_at` when it was recorded. */
  @Column({ type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  /** How many of the workflow's subjects were done (retired) at its completion. */
  @Column({ type: 'int', nullable: true }) subjectsDone!: number | null;
  /** Of a workflow's completion: whether it was given as one of its project's researchers (else as a volunteer). */
  @Column({ type: 'boolean', nullable: true }) team!: boolean | null;
  @Column({ type: 'varchar', length: 24 }) kind!: NotificationKind;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** When the volunteer marked it read (null: unread). */
  @Column({ type: 'timestamptz', nullable: true }) readAt!: Date | null;
}

/**
 * A volunteer's report of a comment to its project's moderators (spam, abuse, personal data…): one per account and
 * comment. Handled once the comment is hidden, or the report dismissed (with who, when and an optional note).
 */
@Entity('comment_reports')
@Index('comment_reports_once_per_account_key', ['commentId', 'userId'], { unique: true })
/** A project's reported comments, the most recently first reported first. */
@Index('comment_reports_project_idx', ['projectId', 'createdAt'])
/** A project's reports changed since a moment (made, made again or dismissed: `greatest(reported_at, dismissed_at)`), for `since=` comments downloads: an expression, which TypeORM cannot say, so built by its migration alone. */
@Index('comment_reports_project_changed_idx', { synchronize: false })
/** For the foreign key: deleting an account looks here. */
@Index('comment_reports_user_idx', ['userId'])
/** A project's open reports, as its moderators' count reads them (`openReportsSql`): the few open among every report ever made. */
@Index('comment_reports_open_idx', ['projectId', 'commentId'], { where: 'dismissed_at IS NULL' })
export class CommentReport {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') commentId!: string;
  @ManyToOne(() => SubjectComment, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'comment_id' }) comment?: Relation<SubjectComment>;
  /** The comment's project, whose moderators list it. */
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  /** Who reported it (an account; guests do not report comments). */
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  /** One of `COMMENT_REPORT_REASONS` (`@chorus/client`). */
  @Column({ type: 'varchar', length: 32 }) reason!: string;
  /** Erased with its volunteer's account. */
  @Column({ type: 'text', nullable: true }) note!: string | null;
  /** When the volunteer first reported the comment: the list's order, which a report made again after a dismissal does not move. */
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** When they gave its reason and note: at first, or again after a moderator dismissed it (which reopens it). */
  @Column({ type: 'timestamptz', default: () => 'now()' }) reportedAt!: Date;
  /** When a moderator or researcher dismissed it (handled, the comment left shown), who (their user id) and their note. */
  @Column({ type: 'timestamptz', nullable: true }) dismissedAt!: Date | null;
  @Column({ type: 'uuid', nullable: true }) dismissedBy!: string | null;
  @Column({ type: 'text', nullable: true }) dismissalNote!: string | null;
}
