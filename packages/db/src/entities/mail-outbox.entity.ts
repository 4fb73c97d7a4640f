import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A mail Chorus has yet to send: kept from the moment it is made until the mail server takes it (or refuses it for
 * good), so that a mail put off (a mail server down, a 4xx answer) is tried again by whichever API process runs then,
 * after a restart too. A row holds the mail's text, links and all, only that long.
 */
@Entity('mail_outbox')
@Index('mail_outbox_due_idx', ['nextAttemptAt'])
@Index('mail_outbox_chosen_last_idx', { synchronize: false })
@Index('mail_outbox_comment_idx', { synchronize: false })
@Index('mail_outbox_user_idx', { synchronize: false })
export class MailOutbox {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  /** `account`, `unsolicited`, `news` or `discussion`: which of an address's limits it counted toward (see the API's Mailer). */
  @Column({ type: 'varchar', length: 16 }) kind!: string;
  @Column({ type: 'varchar', length: 320 }) to!: string;
  @Column('text') subject!: string;
  @Column('text') text!: string;
  /** Headers of its own, by name (a news mail's `List-Unsubscribe`), or null. */
  @Column({ type: 'jsonb', nullable: true }) headers!: Record<string, string> | null;
  /**
   * A discussion mail's comment (null on other mails): it is dropped unsent when the comment changes. A news or
   * discussion mail's account (null on other mails): unsent, it follows the account to a new address.
   */
  @Column({ type: 'uuid', nullable: true }) commentId!: string | null;
  @Column({ type: 'uuid', nullable: true }) userId!: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) createdAt!: Date;
  /** Attempts made (or under way). */
  @Column({ type: 'int', default: 0 }) attempts!: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) nextAttemptAt!: Date;
  /** Until when a process is sending it; another takes it over after that (its process ended mid-attempt). */
  @Column({ type: 'timestamptz', nullable: true }) claimedUntil!: Date | null;
  /** Which attempt holds the claim: one that ends after its claim was taken over changes nothing. */
  @Column({ type: 'uuid', nullable: true }) claim!: string | null;
}
