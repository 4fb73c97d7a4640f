import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from './user.entity';

/** A key's scope is one of `API_KEY_SCOPES` of @chorus/client. */
export const API_KEY_SCOPE = 'api_keys_scope';
export const API_KEY_SCOPE_CHECK = "scope IN ('full', 'read', 'downloads')";

/**
 * A personal API key: an account's credential for a script (a nightly download), sent as a bearer token. Only a digest
 * of its secret is kept; the secret itself is shown once, when it is made. Revoked keys stay (so that a script is told
 * its key was revoked) until they would have expired.
 */
@Entity('api_keys')
@Check(API_KEY_SCOPE, API_KEY_SCOPE_CHECK)
@Index('api_keys_user_idx', ['userId', 'createdAt'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  /** The SHA-256 of the secret, in hex: the secret is 32 random bytes, so no slower hash is needed. */
  @Index('api_keys_hash_key', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  hash!: string;
  /** The secret's first characters (`chorus_AbC1`), for its owner to tell keys apart; null for keys made before it was kept. */
  @Column({ type: 'varchar', length: 16, nullable: true }) prefix!: string | null;
  /** What the key may do: `full` (the default, as every key made before scopes), `read` or `downloads`. */
  @Column({ type: 'varchar', length: 16, default: 'full' }) scope!: 'full' | 'read' | 'downloads';
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz' }) expiresAt!: Date;
  /** Written at most once a minute per key, not on every request. */
  @Column({ type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
