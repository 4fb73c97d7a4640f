import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `deleted`: an account its owner deleted; the row stays, without email, password or name, for its classifications. */
export type UserKind = 'registered' | 'guest' | 'deleted';

/** A volunteer or researcher. Guests are users without credentials, so they too never see a subject twice. */
@Entity('users')
/** Accounts by name, for a comment's `@name` (which names one account or none): guests and deleted accounts are none. */
@Index('users_mention_name_idx', ['displayName'], { where: "kind = 'registered'" })
export class User {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 16 }) kind!: UserKind;
  @Index('users_email_key', { unique: true, where: 'email IS NOT NULL' })
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;
  @Column({ type: 'varchar', length: 100 }) displayName!: string;
  @Column({ type: 'varchar', length: 200, nullable: true, select: false }) passwordHash!: string | null;
  /** Tokens issued in an earlier generation are refused: raising it signs the user out everywhere. */
  @Column({ type: 'int', default: 0 }) tokenGeneration!: number;
  /** When its owner opened a link sent to the account's email (null: not yet, or the email changed since). */
  @Column({ type: 'timestamptz', nullable: true }) emailVerifiedAt!: Date | null;
  /** When Chorus last mailed the account a link (to verify its email, or to reset its password): one a minute at most. */
  @Column({ type: 'timestamptz', nullable: true }) linkMailedAt!: Date | null;
  /** The email the account asked to change to, until the link mailed to it is opened (or another change is asked). */
  @Column({ type: 'varchar', length: 320, nullable: true }) pendingEmail!: string | null;
  /** When the account last changed its email: a password-reset link mailed before does not work, even back at that email. */
  @Column({ type: 'timestamptz', nullable: true }) emailChangedAt!: Date | null;
  /**
   * Since when a deleted account's classifications are owed their stamp for incremental downloads (its deletion),
   * until they all have it (`stampDeletedClassifications`); null otherwise.
   */
  @Index('users_classifications_stamp_owed_idx', { where: 'classifications_stamp_owed_at IS NOT NULL' })
  @Column({ type: 'timestamptz', nullable: true })
  classificationsStampOwedAt!: Date | null;
  /**
   * A guest's: the address it was made from (an IPv6 /64 as one), whose guests together may hold only so many subjects
   * of a workflow (MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS): each hold it is given carries it
   * (`Assignment.guestAddress`). Null for accounts, guests made before it was kept, and guests whose token has ended
   * (`GuestAddresses` forgets it); the partial index serves that forgetting.
   */
  @Index('users_guest_address_idx', { where: 'guest_address IS NOT NULL' })
  @Column({ type: 'varchar', length: 64, nullable: true })
  guestAddress!: string | null;
  /**
   * The language its mails are worded in (`LANGUAGES` of @chorus/client). Null: none was named at sign-up: its mails are
   * in English, but an invitation to its address in the inviting project's language (a better guess than English).
   */
  @Column({ type: 'varchar', length: 8, nullable: true }) language!: string | null;
  /** The name projects' acknowledgements credit it under (`GET /projects/:id/contributors`); null: its display name. */
  @Column({ type: 'varchar', length: 100, nullable: true }) creditedName!: string | null;
  /** It agreed to be named in projects' acknowledgements: nobody is named there without saying yes. */
  @Column({ type: 'boolean', default: false }) namedInAcknowledgements!: boolean;
  /** It is mailed when someone replies to or mentions it in a discussion: off until its volunteer asks for it. */
  @Column({ type: 'boolean', default: false }) discussionMails!: boolean;
  /** It is mailed of each new comment in the discussions it follows: off until its volunteer asks for it. */
  @Column({ type: 'boolean', default: false }) followedDiscussionMails!: boolean;
  /** It is mailed when a volunteer reports a comment or subject in a project it moderates: on until it turns it off. */
  @Column({ type: 'boolean', default: true }) reportMails!: boolean;
  /** It is mailed when a workflow of a project whose researchers it is among completes: on until it turns it off. */
  @Column({ type: 'boolean', default: true }) completionMails!: boolean;
  /** It is mailed when a workflow it classified in completes (its notification is given either way): off until its volunteer asks for it. */
  @Column({ type: 'boolean', default: false }) volunteerCompletionMails!: boolean;
  /** How the classifier shows itself to it on every device (`Display` of @chorus/client); null: each device as it is set. */
  @Column({ type: 'jsonb', nullable: true }) display!: { theme: string; textSize: string } | null;
  /** It shows its public profile (`GET /volunteers/:id`: its public collections, its recent comments): off until its volunteer turns it on. */
  @Column({ type: 'boolean', default: false }) publicProfile!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
