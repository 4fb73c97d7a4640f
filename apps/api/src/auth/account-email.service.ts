import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Session, VerifiedEmail } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import { ProblemException, accountDeleted, accountRequired, conflict, emailTaken, validationFailed } from '../common/problem';
import { UNIQUE_VIOLATION } from '../common/sql';
import { type RateLimitNote, tooManyRequests } from '../common/rate-limits';
import { MailOutbox } from '../mail/mail-outbox';
import { type Mail, Mailer } from '../mail/mailer';
import type { Addressee } from '../mail/wording/wording';
import { emailChangeAttemptNotice, emailChangeMail, emailChangeNotice, passwordChangedNotice, passwordResetMail, signUpNotice, verificationMail } from '../mail/mails';
import type { AuthUser } from './auth.decorators';
import { EmailLinks } from './email-links';
import { Passwords } from './passwords';
import { TokenGenerations } from './token-generations';
import { Tokens } from './tokens';

/** At most one link a minute is mailed to an account, so that nobody can fill someone's inbox through Chorus. */
const LINK_MAIL_GAP_SECONDS = 60;
const ACCOUNT = `id, email, display_name AS "displayName", language, token_generation AS generation`;

interface AccountRow extends Addressee {
  id: string;
  generation: number;
}

/** An account a link is being mailed to, and when, by the database's clock (epoch seconds). */
interface MailedAccountRow extends AccountRow {
  mailedAt: number;
}

const badLink = (what: string) => validationFailed([{ pointer: '/token', message: what }]);
/** One link a minute: the account's next link, `seconds` from now. */
const linkMailLimit = (seconds: number) => ({ limit: 1, resetSeconds: seconds });
/** Tells the caller, through the answer's rate-limit headers, that a link was mailed just now: the next, in a minute. */
const noteLinkMailed = (note: RateLimitNote) => note({ ...linkMailLimit(LINK_MAIL_GAP_SECONDS), remaining: 0 });
const tooSoon = (seconds: number) => tooManyRequests((when) => `A link was mailed to this account less than a minute ago; wait for it, or ask again in ${when}.`, linkMailLimit(seconds));

/**
 * What Chorus proves with mailed links: that an account's email is its owner's (at sign-up, and for a new email
 * before the account signs in with it), and who may set a new password without the old one.
 */
@Injectable()
export class AccountEmailService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly links: EmailLinks,
    private readonly mailer: Mailer,
    private readonly outbox: MailOutbox,
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly generations: TokenGenerations,
  ) {}

  /** Mails the account the link that verifies its email again, when asked (one a minute, as `note` tells the caller). */
  async sendVerification(user: AuthUser, note: RateLimitNote): Promise<void> {
    if (user.kind !== 'registered') throw accountRequired();
    const mail = await this.verificationMail(user.id);
    if (!mail) throw await this.whyNoMail(user.id, true);
    this.mailer.send(mail);
    noteLinkMailed(note);
  }

  /**
   * At sign-up (made after the answer, as the account is): the new account, if one was made, is mailed the link that
   * verifies its email; else the email has an account already, whose owner is told someone tried to sign up with it.
   */
  signUpMail(email: string, newAccountId: string | undefined): Promise<Mail | undefined> {
    return newAccountId ? this.verificationMail(newAccountId) : this.signUpNotice(email);
  }

  private async verificationMail(userId: string): Promise<Mail | undefined> {
    const account = await this.claimLinkMail('id = $1 AND email_verified_at IS NULL', [userId]);
    return account && verificationMail(account, await this.links.verification({ sub: account.id, email: account.email }));
  }

  private async signUpNotice(email: string): Promise<Mail | undefined> {
    const [account] = await this.db.query<AccountRow[]>(`SELECT ${ACCOUNT} FROM users WHERE email = $1 AND kind = 'registered'`, [email]);
    return account && signUpNotice(account, this.links.page('sign-in'), this.links.page('forgot-password'));
  }

  /**
   * Mails a link to `email` that makes it the account's (the password was checked by the caller), and tells the
   * current email that it was asked for. The change waits on the account's row: asking for another ends this one.
   * When `email` is another account's, its owner is told someone tried instead, and no link is made: the answer and
   * the caller's own mail are the same either way, so that nobody learns from them whether an email has an account
   * (the one-link-a-minute limit is noted the same way too, as `note` tells the caller).
   */
  async sendEmailChange(user: AuthUser, email: string, note: RateLimitNote): Promise<void> {
    const [taken] = await this.db.query<{ own: boolean }[]>('SELECT id = $2 AS own FROM users WHERE email = $1', [email, user.id]);
    if (taken?.own) throw validationFailed([{ pointer: '/email', message: "is already this account's email" }]);
    const account = await this.claimLinkMail('id = $1', [user.id, email], ', pending_email = $2');
    if (!account) throw await this.whyNoMail(user.id, false);
    noteLinkMailed(note);
    this.mailer.send(emailChangeNotice(account, email));
    if (taken) {
      // After the answer, as the link's mail is made before it: how long it took would otherwise tell.
      this.mailer.sendAfterAnswer(() => this.emailChangeAttempt(email));
      return;
    }
    const link = await this.links.verification({ sub: account.id, email, from: account.email, gen: account.generation });
    this.mailer.send(emailChangeMail(account, email, link));
  }

  private async emailChangeAttempt(email: string): Promise<Mail | undefined> {
    const [owner] = await this.db.query<AccountRow[]>(`SELECT ${ACCOUNT} FROM users WHERE email = $1 AND kind = 'registered'`, [email]);
    return owner && emailChangeAttemptNotice(owner, this.links.page('forgot-password'));
  }

  /**
   * Opens a verification link: its email is now the account's, verified. Opening it again changes nothing and
   * answers the same. A link for an email the account no longer has, or for a change it no longer waits for (another
   * was asked since, or its password changed, or it signed out everywhere), does nothing.
   */
  async verify(token: string): Promise<VerifiedEmail> {
    const claims = await this.links.read(token, 'verify-email');
    if (!claims) throw badLink('is not a link Chorus mailed, or it is older than 7 days: ask for a new one from your account page');
    if (claims.from !== undefined) await this.changeEmail(claims.sub, claims.email, claims.from, claims.gen ?? -1);
    // The email is the account's now (changed just now, or already): verified. A change that did not happen leaves the
    // account with another email, and the link does nothing.
    const [[verified]] = await this.db.query(
      "UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1 AND kind = 'registered' AND email = $2 RETURNING email",
      [claims.sub, claims.email],
    );
    if (verified) return { email: claims.email };
    throw badLink('was for an email change this account no longer waits for, or an email it no longer has: ask for a new one from your account page');
  }

  /**
   * Makes `email` the account's in place of `from`, if that is the change it waits for and its token generation is still
   * `generation`; the news and discussion mails not yet sent to `from` follow it to `email` in the same transaction, since
   * `from` may be anyone's now.
   */
  private async changeEmail(userId: string, email: string, from: string, generation: number): Promise<void> {
    await this.db
      .transaction(async (manager) => {
        // TypeORM answers an UPDATE with [rows, count].
        const [, changed] = await manager.query<[unknown[], number]>(
          `UPDATE users SET email = pending_email, pending_email = NULL, email_verified_at = now(), email_changed_at = now()
           WHERE id = $1 AND kind = 'registered' AND pending_email = $2 AND email = $3 AND token_generation = $4`,
          [userId, email, from, generation],
        );
        if (changed) await this.outbox.readdressReaderMails(userId, from, email, manager);
      })
      .catch((error: { code?: string }) => {
        if (error.code === UNIQUE_VIOLATION) throw emailTaken('/token');
        throw error;
      });
  }

  /**
   * Mails a link to set a new password, if `email` is an account's (and none was mailed to it within the minute).
   * The answer is the same in every case: nobody learns from it whether the email has an account.
   */
  requestPasswordReset(email: string): void {
    // After the answer: how long the request took would otherwise tell whether a link was made.
    this.mailer.sendAfterAnswer(() => this.passwordResetMail(email));
  }

  private async passwordResetMail(email: string): Promise<Mail | undefined> {
    const account = await this.claimLinkMail('email = $1', [email]);
    if (!account) return undefined;
    const claims = { sub: account.id, email: account.email, gen: account.generation, at: account.mailedAt };
    return passwordResetMail(account, await this.links.passwordReset(claims));
  }

  /**
   * Sets the new password with a reset link: once only (it raises the token generation the link names, ending every
   * token issued before), and only while the account has the email the link was mailed to and has not changed it
   * since (not even away and back), which opening it verifies. Answers a token for the account.
   */
  async resetPassword(token: string, newPassword: string): Promise<Session> {
    const claims = await this.links.read(token, 'reset-password');
    if (!claims) throw badLink('is not a password-reset link Chorus mailed, or it is older than an hour: ask for a new one');
    const hash = await this.passwords.hash(newPassword);
    const account = await this.db.transaction(async (manager) => {
      const [[reset]] = await manager.query(
        `UPDATE users SET password_hash = $4, token_generation = token_generation + 1, email_verified_at = coalesce(email_verified_at, now())
         WHERE id = $1 AND kind = 'registered' AND email = $2 AND token_generation = $3
           AND (email_changed_at IS NULL OR email_changed_at < to_timestamp($5)) RETURNING ${ACCOUNT}`,
        [claims.sub, claims.email, claims.gen, hash, claims.at],
      );
      if (reset) await this.keepPasswordNotice(manager, reset.id, 'reset');
      return reset as AccountRow | undefined;
    });
    if (!account) throw badLink('has been used already, or the account changed its password or email since: ask for a new link');
    this.mailer.sendKept();
    this.generations.raised(account.id, account.generation);
    return this.tokens.session({ id: account.id, kind: 'registered', displayName: account.displayName, email: account.email, emailVerified: true });
  }

  /**
   * Keeps, in the transaction that changed the account's password (`manager`), the notice to its verified email that
   * says so: neither without the other; `Mailer.sendKept` once it commits. A change refused (a wrong password, a link
   * used already) changes nothing, so is told of by no mail.
   */
  async keepPasswordNotice(manager: EntityManager, userId: string, how: 'changed' | 'reset'): Promise<void> {
    const [owner] = await manager.query<(Addressee & { at: Date })[]>(
      `SELECT email, display_name AS "displayName", language, now() AS at FROM users WHERE id = $1 AND kind = 'registered' AND email_verified_at IS NOT NULL`,
      [userId],
    );
    if (owner) await this.mailer.keepInTransaction(manager, passwordChangedNotice(owner, how, owner.at, this.links.page('forgot-password'), this.links.page('account#api-keys')));
  }

  /**
   * Marks the account as mailed now (with `changes`), and answers it, unless a link was mailed to it within the gap.
   * `values` are `$1`, `$2`… of `condition` and `changes`.
   */
  private async claimLinkMail(condition: string, values: string[], changes = ''): Promise<MailedAccountRow | undefined> {
    const [[account]] = await this.db.query(
      `UPDATE users SET link_mailed_at = now() ${changes}
       WHERE ${condition} AND kind = 'registered' AND (link_mailed_at IS NULL OR link_mailed_at < now() - interval '${LINK_MAIL_GAP_SECONDS} seconds')
       RETURNING ${ACCOUNT}, extract(epoch FROM now())::float8 AS "mailedAt"`,
      values,
    );
    return account;
  }

  /**
   * Why no link could be mailed to the caller's account: its email is verified (when `verifying`), one went within the
   * minute, or it is gone.
   */
  private async whyNoMail(userId: string, verifying: boolean): Promise<ProblemException> {
    const [row] = await this.db.query<{ verified: boolean; wait: number }[]>(
      `SELECT email_verified_at IS NOT NULL AS verified, ceil(extract(epoch FROM link_mailed_at + interval '${LINK_MAIL_GAP_SECONDS} seconds' - now()))::int AS wait
       FROM users WHERE id = $1 AND kind = 'registered'`,
      [userId],
    );
    if (!row) return accountDeleted();
    if (verifying && row.verified) return conflict("This account's email is verified already.", 'email-already-verified');
    return tooSoon(Math.max(1, row.wait));
  }
}
