import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MailSetting } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import type { Mail, ReaderMail } from './mailer';
import { completionMailKind } from './mails';

/** Which of an account's discussion mails: of new comments in the discussions it follows, or of replies and mentions. */
export type DiscussionMailKind = 'followed' | 'replies-and-mentions';
/** Whether an outbox row `o` tells of a comment in a discussion its reader follows (its notification's kind). */
const FOLLOWED_DISCUSSION_MAIL = `EXISTS (SELECT 1 FROM comment_notifications n WHERE n.user_id = o.user_id AND n.comment_id = o.comment_id AND n.kind = 'discussion')`;

/** A mail kept in `mail_outbox`, with the attempts made at it (the one under way included) and that attempt's claim. */
export interface KeptMail extends Omit<Mail, 'headers'> {
  id: string;
  headers: Record<string, string> | null;
  attempts: number;
  claim: string;
}

/** How long an attempt keeps a mail from other processes: twice the longest the Mailer lets an attempt run. */
export const MAIL_CLAIM_MS = 120_000;
const CLAIMED_UNTIL = `now() + make_interval(secs => ${MAIL_CLAIM_MS / 1000})`;
const KEPT = 'id, kind, "to", subject, text, headers, attempts, claim';

/**
 * The statements of `mail_outbox`: each mail is kept from the moment it is made until the mail server takes it or
 * Chorus gives up on it, claimed by the attempt under way (`claim`, until `claimed_until`). A process that ends
 * mid-attempt leaves its claim to lapse, and another process's next look for mails due takes the mail over; what the
 * first attempt says afterwards changes nothing, since its claim is no longer the mail's.
 */
@Injectable()
export class MailOutbox {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keeps the mail, due at once, for whichever process claims it first (in `manager`'s transaction, if given). */
  async keep(mail: Mail, manager: EntityManager = this.db.manager): Promise<void> {
    await this.keepAll([mail], manager);
  }

  /** Keeps the mails, due at once, in one statement (in `manager`'s transaction, if given). */
  async keepAll(mails: (Mail | ReaderMail)[], manager: EntityManager = this.db.manager): Promise<void> {
    if (!mails.length) return;
    await manager.query(
      `INSERT INTO mail_outbox (kind, "to", subject, text, headers, comment_id, user_id)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::text[], $4::text[], $5::jsonb[], $6::uuid[], $7::uuid[])`,
      [
        mails.map((mail) => mail.kind),
        mails.map((mail) => mail.to),
        mails.map((mail) => mail.subject),
        mails.map((mail) => mail.text),
        mails.map((mail) => (mail.headers ? JSON.stringify(mail.headers) : null)),
        mails.map((mail) => ('commentId' in mail ? mail.commentId : null)),
        mails.map((mail) => ('userId' in mail ? mail.userId : null)),
      ],
    );
  }

  /**
   * Drops the discussion mails not yet sent of a comment (hidden or deleted), to an account (which stopped them, or
   * is deleted: those of `kind` only, when given: of the discussions it follows, or of replies and mentions), or of the comments an author wrote in a project (stopped from commenting there), in `manager`'s
   * transaction if given; an attempt already under way may still send its mail.
   */
  async forgetDiscussionMails(of: { commentId: string } | { userId: string; kind?: DiscussionMailKind } | { authorId: string; projectId: string }, manager: EntityManager = this.db.manager): Promise<void> {
    if ('authorId' in of) {
      const authored = 'SELECT id FROM subject_comments WHERE user_id = $1 AND project_id = $2';
      await manager.query(`DELETE FROM mail_outbox WHERE kind = 'discussion' AND comment_id IN (${authored})`, [of.authorId, of.projectId]);
      return;
    }
    const [column, id] = 'commentId' in of ? ['comment_id', of.commentId] : ['user_id', of.userId];
    const ofKind = 'kind' in of && of.kind ? ` AND ${of.kind === 'followed' ? '' : 'NOT '}${FOLLOWED_DISCUSSION_MAIL}` : '';
    await manager.query(`DELETE FROM mail_outbox o WHERE kind = 'discussion' AND ${column} = $1${ofKind}`, [id]);
  }

  /** Drops the mails of reports not yet sent to an account that stopped them, in `manager`'s transaction. */
  private async forgetModerationMails(userId: string, manager: EntityManager): Promise<void> {
    await manager.query("DELETE FROM mail_outbox WHERE kind = 'moderation' AND user_id = $1", [userId]);
  }

  /**
   * Drops the mails of completed workflows not yet sent to an account that stopped them, those to it as a researcher
   * (`team`) or as a volunteer, in `manager`'s transaction.
   */
  private async forgetCompletionMails(userId: string, team: boolean, manager: EntityManager): Promise<void> {
    await manager.query('DELETE FROM mail_outbox WHERE kind = $2 AND user_id = $1', [userId, completionMailKind(team)]);
  }

  /**
   * Drops the mails not yet sent of a kind the account just stopped (its `setting` turned false, in its settings or by a
   * mail's one-click stop), in `manager`'s transaction.
   */
  async forgetStoppedMails(userId: string, setting: MailSetting, manager: EntityManager): Promise<void> {
    if (setting === 'discussionMails' || setting === 'followedDiscussionMails') return this.forgetDiscussionMails({ userId, kind: setting === 'followedDiscussionMails' ? 'followed' : 'replies-and-mentions' }, manager);
    if (setting === 'reportMails') return this.forgetModerationMails(userId, manager);
    return this.forgetCompletionMails(userId, setting === 'completionMails', manager);
  }

  /**
   * The news, discussion, moderation and completion mails not yet sent to `from`, an address the account `userId` no longer has (in `manager`'s
   * transaction): the account's go to its new address `to` instead, or nowhere when it has none (deleted); any other
   * (written before mails named their account) is dropped, since `from` may be anyone's now. The account's own mails
   * (notices of the change itself) still go to `from`.
   */
  async readdressReaderMails(userId: string, from: string, to: string | null, manager: EntityManager): Promise<void> {
    if (to !== null) await manager.query(`UPDATE mail_outbox SET "to" = $3 WHERE kind IN ('news', 'discussion', 'moderation', 'completion', 'volunteer-thanks') AND "to" = $2 AND user_id = $1`, [userId, from, to]);
    await manager.query(`DELETE FROM mail_outbox WHERE kind IN ('news', 'discussion', 'moderation', 'completion', 'volunteer-thanks') AND "to" = $1`, [from]);
  }

  /**
   * Claims the mail due longest for another attempt (and counts it), if one is due and no live attempt holds it: an
   * account's or an unsolicited mail before any news or discussion mail (`mail_outbox_chosen_last_idx`), so that a
   * burst of those never delays a password reset.
   */
  async claimDue(): Promise<KeptMail | undefined> {
    // TypeORM answers an UPDATE with [rows, count].
    const [[claimed]] = await this.db.query<[KeptMail[], number]>(
      `UPDATE mail_outbox SET attempts = attempts + 1, claimed_until = ${CLAIMED_UNTIL}, claim = gen_random_uuid()
       WHERE id = (SELECT id FROM mail_outbox WHERE next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                   ORDER BY (kind IN ('news', 'discussion', 'completion', 'volunteer-thanks')), next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${KEPT}`,
    );
    return claimed;
  }

  /** The attempt's mail is due again in `delayMs`, for whichever process looks then. */
  async putOff(mail: KeptMail, delayMs: number): Promise<void> {
    await this.db.query(
      'UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => $3::float8 / 1000), claimed_until = NULL, claim = NULL WHERE id = $1 AND claim = $2',
      [mail.id, mail.claim, delayMs],
    );
  }

  /** Sent, or given up on, by this attempt: its text, links and all, is kept no longer. */
  async forget(mail: KeptMail): Promise<void> {
    await this.db.query('DELETE FROM mail_outbox WHERE id = $1 AND claim = $2', [mail.id, mail.claim]);
  }
}
