import { LONGEST_ALT, LONGEST_MEDIA_URL } from '@chorus/tasks';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { User } from './user.entity';

export type ProjectStatus = 'draft' | 'live' | 'paused' | 'finished';
export type ProjectRole = 'owner' | 'collaborator' | 'scientist' | 'moderator' | 'reviewer';

@Entity('projects')
/** The project list's keyset order, newest first (read backwards), so that a page never sorts every project. */
@Index('projects_created_idx', ['createdAt', 'id'])
export class Project {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 100, unique: true }) slug!: string;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'text', default: '' }) description!: string;
  /** What the project list shows of its description (`listedDescriptionOf`), kept as it is written: read by the list only. */
  @Column({ type: 'text', default: '', select: false }) listedDescription!: string;
  /** Markdown shown to volunteers as the project's field guide. */
  @Column({ type: 'text', default: '' }) fieldGuide!: string;
  /**
   * The language its researchers write in (BCP 47): of its title, description, field guide, tutorial and workflows'
   * words, which the classifier marks with it whatever language its interface is in.
   */
  @Column({ type: 'varchar', length: 100, default: 'en' }) language!: string;
  @Column({ type: 'varchar', length: 16, default: 'draft' }) status!: ProjectStatus;
  /** Its image, shown on its cards and its page (https; null: none), and what it shows, for those who cannot see it (set with it). */
  @Column({ type: 'varchar', length: LONGEST_MEDIA_URL, nullable: true }) imageUrl!: string | null;
  @Column({ type: 'varchar', length: LONGEST_ALT, nullable: true }) imageAlt!: string | null;
  /** Its administrators publish its retired subjects' results (each task's consensus) to volunteers and the public. */
  @Column({ type: 'boolean', default: false }) resultsPublic!: boolean;
  /** When and why the operators last removed its image (null: never, or its administrators set another since): its members read why. */
  @Column({ type: 'timestamptz', nullable: true }) imageRemovedAt!: Date | null;
  @Column({ type: 'varchar', length: 1000, nullable: true }) imageRemovedReason!: string | null;
  @Column('uuid') ownerId!: string;
  @ManyToOne(() => User, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'owner_id' }) owner?: Relation<User>;
  /**
   * When the operators of this Chorus took the project down (null: never, or restored since): whatever its status, it
   * is then its members' only, as a draft is, and its reason says why to them.
   */
  @Column({ type: 'timestamptz', nullable: true }) takenDownAt!: Date | null;
  @Column({ type: 'varchar', length: 1000, nullable: true }) takenDownReason!: string | null;
  /** The demo project Chorus makes on its first start (`DemoService`), whoever has been given it since. */
  @Column({ type: 'boolean', default: false }) cameWithChorus!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/**
 * A slug a project had before its administrators changed it: its old address still leads to it, and no other project
 * may take the slug. (One taken before that was refused, and given up again, leads to the last to have it.)
 */
@Entity('project_former_slugs')
export class ProjectFormerSlug {
  @PrimaryColumn({ type: 'varchar', length: 100 }) slug!: string;
  @Index('project_former_slugs_project_idx')
  @Column('uuid') projectId!: string;
  @CreateDateColumn({ type: 'timestamptz' }) replacedAt!: Date;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
}

@Entity('project_members')
export class ProjectMember {
  @PrimaryColumn('uuid') projectId!: string;
  @Index('project_members_user_idx')
  @PrimaryColumn('uuid') userId!: string;
  @Column({ type: 'varchar', length: 16 }) role!: ProjectRole;
  /** When it was last mailed of the project's reports (null: never): not again within the hour. */
  @Column({ type: 'timestamptz', nullable: true }) reportsMailedAt!: Date | null;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
}

/**
 * An invitation to join a project in a role, addressed to an email: whoever signs in with that email may accept it
 * (then becoming a member) or decline it. Nobody becomes a member, nor learns whether an email has an account,
 * without it.
 */
@Entity('project_invitations')
export class ProjectInvitation {
  @PrimaryColumn('uuid') projectId!: string;
  @Index('project_invitations_email_idx')
  @PrimaryColumn({ type: 'varchar', length: 320 }) email!: string;
  @Column({ type: 'varchar', length: 16 }) role!: ProjectRole;
  @Column('uuid') invitedBy!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** When the invitation was last mailed: not again within a day, however many times, or at once, it is made again. */
  @Column({ type: 'timestamptz', default: () => 'now()' }) mailedAt!: Date;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
}
