import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Project } from './project.entity';
import { User } from './user.entity';

/** An address a project's researchers asked Chorus to POST signed events to (`subject.retired`, …). */
@Entity('webhooks')
/** A project's webhooks, listed and fanned out to; and for the foreign key. */
@Index('webhooks_project_idx', ['projectId', 'createdAt'])
export class Webhook {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'varchar', length: 2000 }) url!: string;
  /** The events it receives (`WEBHOOK_EVENTS`). */
  @Column({ type: 'text', array: true }) events!: string[];
  /** The key of its signatures' HMAC, shown once to whoever made it. */
  @Column({ type: 'varchar', length: 64 }) secret!: string;
  /** The secret the last rotation replaced, signed with too until `previousSecretUntil`. */
  @Column({ type: 'varchar', length: 64, nullable: true }) previousSecret!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) previousSecretUntil!: Date | null;
  /** Its deliveries given up on in a row since the last one delivered (`WEBHOOK_FAILURES_BEFORE_DISABLED`). */
  @Column({ type: 'int', default: 0 }) failures!: number;
  /** When it was turned off (null: on), and why: `WEBHOOK_DISABLED_REASONS` (after too many failures, with the last one's error; or by hand). */
  @Column({ type: 'timestamptz', nullable: true }) disabledAt!: Date | null;
  @Column({ type: 'text', nullable: true }) disabledReason!: string | null;
  @Column({ type: 'text', nullable: true }) disabledError!: string | null;
  @Column({ type: 'uuid', nullable: true }) createdBy!: string | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL' }) @JoinColumn({ name: 'created_by' }) creator?: Relation<User>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/**
 * One event for one webhook: written in the transaction of the change it tells of (never lost, never sent for a change
 * rolled back), then POSTed by the worker, its attempts counted here. Its id is the `Chorus-Delivery` header, the same
 * at every attempt.
 */
@Entity('webhook_deliveries')
/** A webhook's deliveries, newest first, a page at a time; and for the foreign key. */
@Index('webhook_deliveries_recent_idx', ['webhookId', 'createdAt', 'id'])
/** Those not yet delivered nor given up on, for the reconciler to enqueue. */
@Index('webhook_deliveries_waiting_idx', ['createdAt'], { where: 'delivered_at IS NULL AND failed_at IS NULL' })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') webhookId!: string;
  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'webhook_id' }) webhook?: Relation<Webhook>;
  @Column({ type: 'varchar', length: 32 }) event!: string;
  /** The event's `data`, as it was when the change was made. */
  @Column('jsonb') data!: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  /** Attempts made (or under way). */
  @Column({ type: 'int', default: 0 }) attempts!: number;
  /** The last attempt's HTTP status (null: no answer, see `error`). */
  @Column({ type: 'int', nullable: true }) statusCode!: number | null;
  /** Why the last attempt failed (a network error, a timeout, an address refused), or null. */
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ type: 'timestamptz', nullable: true }) attemptedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) deliveredAt!: Date | null;
  /** Given up on: a 4xx answer (but 429), an address refused, or the last attempt failed. */
  @Column({ type: 'timestamptz', nullable: true }) failedAt!: Date | null;
  /** Until when an attempt under way holds it: a job run twice at once sends it once. */
  @Column({ type: 'timestamptz', nullable: true }) claimedUntil!: Date | null;
}
