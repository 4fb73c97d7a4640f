import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A session (a sign-in on one device, the tokens issued for it) signed out of: its tokens are refused though they have
 * not expired. Kept until its last token would have expired anyway (`expiresAt`), then forgotten.
 */
@Entity('ended_sessions')
@Index('ended_sessions_expires_idx', ['expiresAt'])
export class EndedSession {
  /** The `sid` of the session's tokens (of a token from before sessions, one made from its signature). */
  @PrimaryColumn('uuid') sessionId!: string;
  /** When the signed-out token expires: the row may be forgotten after. */
  @Column('timestamptz') expiresAt!: Date;
}
