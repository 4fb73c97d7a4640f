import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Project } from './project.entity';
import { User } from './user.entity';

/**
 * A project's Talk board (Zooniverse's "Help", "Science", "Chat"): where volunteers start titled discussions that are
 * about no one subject. Its researchers make, rename, describe, order and archive them; deleted only while empty.
 */
@Entity('project_boards')
/** A project's boards, in their order; and for the foreign key. */
@Index('project_boards_project_idx', ['projectId', 'position', 'id'])
export class ProjectBoard {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'varchar', length: 100 }) title!: string;
  @Column({ type: 'varchar', length: 1000, default: '' }) description!: string;
  /** Its place in the project's list, lowest first. */
  @Column({ type: 'int' }) position!: number;
  /** When its researchers archived it (null: open): still read, no new discussions nor comments. */
  @Column({ type: 'timestamptz', nullable: true }) archivedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/**
 * A volunteer's titled discussion in a board; its comments are `subject_comments` rows with its id in
 * `board_discussion_id` (and no subject), so that replies, hiding, reports, follows, search and downloads serve both.
 */
@Entity('board_discussions')
/** A board's discussions, the latest active first, a page at a time; and for the foreign key. */
@Index('board_discussions_board_recent_idx', ['boardId', 'lastCommentAt', 'id'])
/** For the foreign key: deleting an account looks here. */
@Index('board_discussions_user_idx', ['userId'])
/** For the foreign key: deleting a project looks here. */
@Index('board_discussions_project_idx', ['projectId'])
export class BoardDiscussion {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column('uuid') boardId!: string;
  @ManyToOne(() => ProjectBoard, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'board_id' }) board?: Relation<ProjectBoard>;
  /** Who started it (an account; kept nameless when it is deleted). */
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  /** Trimmed, 1 to `BOARD_LIMITS.titleLength` characters. */
  @Column({ type: 'varchar', length: 200 }) title!: string;
  /** When its latest comment was posted: the board's order. */
  @Column({ type: 'timestamptz', default: () => 'now()' }) lastCommentAt!: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
