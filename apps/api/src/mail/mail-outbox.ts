import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Mail } from './mailer';

/** A mail kept in `mail_outbox`, with the attempts made at it (the one under way included). */
export interface KeptMail extends Mail {
  id: string;
  attempts: number;
}

/** How long an attempt keeps a mail from other processes: longer than the transport's timeouts let an attempt last. */
const CLAIM = "interval '2 minutes'";
const KEPT = 'id, kind, "to", subject, text, attempts';

/**
 * The statements of `mail_outbox`: each mail is kept from the moment it is made until the mail server takes it or
 * Chorus gives up on it, claimed by the process attempting it. A process that ends mid-attempt leaves its claim to lapse,
 * and another process's next look for mails due takes the mail over.
 */
@Injectable()
export class MailOutbox {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Keeps the mail, claimed for its first attempt, which starts now. */
  async keep(mail: Mail): Promise<KeptMail> {
    const [kept] = await this.db.query<KeptMail[]>(
      `INSERT INTO mail_outbox (kind, "to", subject, text, attempts, claimed_until) VALUES ($1, $2, $3, $4, 1, now() + ${CLAIM}) RETURNING ${KEPT}`,
      [mail.kind, mail.to, mail.subject, mail.text],
    );
    return kept!;
  }

  /** Claims up to `count` mails due for another attempt (and counts it), oldest due first. */
  async claimDue(count: number): Promise<KeptMail[]> {
    // TypeORM answers an UPDATE with [rows, count].
    const [claimed] = await this.db.query<[KeptMail[], number]>(
      `UPDATE mail_outbox SET attempts = attempts + 1, claimed_until = now() + ${CLAIM}
       WHERE id IN (SELECT id FROM mail_outbox WHERE next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING ${KEPT}`,
      [count],
    );
    return claimed;
  }

  /** The mail is due again in `delayMs`, for whichever process looks then. */
  async putOff(id: string, delayMs: number): Promise<void> {
    await this.db.query('UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000), claimed_until = NULL WHERE id = $1', [id, delayMs]);
  }

  /** Sent, or given up on: its text, links and all, is kept no longer. */
  async forget(id: string): Promise<void> {
    await this.db.query('DELETE FROM mail_outbox WHERE id = $1', [id]);
  }
}
