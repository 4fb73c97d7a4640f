import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Session, VerifiedEmail } from '@chorus/client';
import type { DataSource } from 'typeorm';
import { ProblemException, accountDeleted, accountRequired, conflict, emailTaken, validationFailed } from '../common/problem';
import { UNIQUE_VIOLATION } from '../common/sql';
import { Mailer } from '../mail/mailer';
import { emailChangeMail, emailChangeNotice, passwordResetMail, verificationMail } from '../mail/mails';
import type { AuthUser } from './auth.decorators';
import { EmailLinks } from './email-links';
import { Passwords } from './passwords';
import { TokenGenerations } from './token-generations';
import { Tokens } from './tokens';

/** At most one link a minute is mailed to an account, so that nobody can fill someone's inbox through Chorus. */
const LINK_MAIL_GAP_SECONDS = 60;
const ACCOUNT = `id, kind, email, display_name AS "displayName", token_generation AS generation, email_verified_at IS NOT NULL AS verified`;

interface AccountRow {
  id: string;
  kind: 'registered';
  email: string;
  displayName: string;
  generation: number;
  verified: boolean;
}

const badLink = (what: string) => validationFailed([{ pointer: '/token', message: what }]);
const tooSoon = (seconds: number) =>
  new ProblemException(429, `A link was mailed to this account less than a minute ago; wait for it, or ask again in ${seconds} seconds.`, undefined, 'too-many-requests').retryAfter(seconds);

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
    private readonly passwords: Passwords,
    private readonly tokens: Tokens,
    private readonly generations: TokenGenerations,
  ) {}

  /** Mails the account the link that verifies its email: at sign-up, and when asked again (one a minute). */
  async sendVerification(user: AuthUser): Promise<void> {
    if (user.kind !== 'registered') throw accountRequired();
    const account = await this.claimLinkMail('id = $1 AND email_verified_at IS NULL', user.id);
    if (!account) throw await this.whyNoMail(user.id);
    this.mailer.send(verificationMail(account, await this.links.verification({ sub: account.id, email: account.email })));
  }

  /**
   * Mails a link to `email` that makes it the account's (the password was checked by the caller), and tells the
   * current email that it was asked for.
   */
  async sendEmailChange(user: AuthUser, email: string): Promise<void> {
    const [taken] = await this.db.query('SELECT id = $2 AS own FROM users WHERE email = $1', [email, user.id]);
    if (taken?.own) throw validationFailed([{ pointer: '/email', message: "is already this account's email" }]);
    if (taken) throw emailTaken();
    const account = await this.claimLinkMail('id = $1', user.id);
    if (!account) throw await this.whyNoMail(user.id);
    this.mailer.send(emailChangeMail(account, email, await this.links.verification({ sub: account.id, email, from: account.email })));
    this.mailer.send(emailChangeNotice(account, email));
  }

  /**
   * Opens a verification link: its email is now the account's, verified. Opening it again changes nothing and
   * answers the same; a link made before the account's email changed no longer works.
   */
  async verify(token: string): Promise<VerifiedEmail> {
    const claims = await this.links.read(token, 'verify-email');
    if (!claims) throw badLink('is not a link Chorus mailed, or it is older than 7 days: ask for a new one from your account page');
    const from = claims.from ?? claims.email;
    const verified: { email: string } | undefined = await this.db
      .query(
        `UPDATE users SET email = $2, email_verified_at = CASE WHEN email = $2 THEN coalesce(email_verified_at, now()) ELSE now() END
         WHERE id = $1 AND kind = 'registered' AND (email = $3 OR email = $2) RETURNING email`,
        [claims.sub, claims.email, from],
      )
      .then(([rows]) => rows[0])
      .catch((error: { code?: string }) => {
        if (error.code === UNIQUE_VIOLATION) throw emailTaken('/token');
        throw error;
      });
    if (!verified) throw badLink("was for an email this account no longer has (or the account is gone): ask for a new one from your account page");
    return { email: verified.email };
  }

  /**
   * Mails a link to set a new password, if `email` is an account's (and none was mailed to it within the minute).
   * The answer is the same in every case: nobody learns from it whether the email has an account.
   */
  async requestPasswordReset(email: string): Promise<void> {
    const account = await this.claimLinkMail('email = $1', email);
    if (!account) return;
    this.mailer.send(passwordResetMail(account, await this.links.passwordReset({ sub: account.id, email: account.email, gen: account.generation })));
  }

  /**
   * Sets the new password with a reset link: once only (it raises the token generation the link names, ending every
   * token issued before), and only while the account has the email the link was mailed to, which opening it
   * verifies. Answers a token for the account.
   */
  async resetPassword(token: string, newPassword: string): Promise<Session> {
    const claims = await this.links.read(token, 'reset-password');
    if (!claims) throw badLink('is not a password-reset link Chorus mailed, or it is older than an hour: ask for a new one');
    const hash = await this.passwords.hash(newPassword);
    const [[account]] = await this.db.query(
      `UPDATE users SET password_hash = $4, token_generation = token_generation + 1, email_verified_at = coalesce(email_verified_at, now())
       WHERE id = $1 AND kind = 'registered' AND email = $2 AND token_generation = $3 RETURNING ${ACCOUNT}`,
      [claims.sub, claims.email, claims.gen, hash],
    );
    if (!account) throw badLink('has been used already, or the account changed its password or email since: ask for a new link');
    this.generations.remember(account.id, account.generation);
    return this.tokens.session({ id: account.id, kind: 'registered', displayName: account.displayName, email: account.email });
  }

  /** Marks the account as mailed now, and answers it, unless a link was mailed to it within the gap. */
  private async claimLinkMail(condition: string, value: string): Promise<AccountRow | undefined> {
    const [[account]] = await this.db.query(
      `UPDATE users SET link_mailed_at = now()
       WHERE ${condition} AND kind = 'registered' AND (link_mailed_at IS NULL OR link_mailed_at < now() - interval '${LINK_MAIL_GAP_SECONDS} seconds')
       RETURNING ${ACCOUNT}`,
      [value],
    );
    return account;
  }

  /** Why no link could be mailed to the caller's account: its email is verified, one went within the minute, or it is gone. */
  private async whyNoMail(userId: string): Promise<ProblemException> {
    const [row] = await this.db.query<{ verified: boolean; wait: number }[]>(
      `SELECT email_verified_at IS NOT NULL AS verified, ceil(extract(epoch FROM link_mailed_at + interval '${LINK_MAIL_GAP_SECONDS} seconds' - now()))::int AS wait
       FROM users WHERE id = $1 AND kind = 'registered'`,
      [userId],
    );
    if (!row) return accountDeleted();
    if (row.verified) return conflict("This account's email is verified already.", 'email-already-verified');
    return tooSoon(Math.max(1, row.wait));
  }
}
