import { type CommentPlace, commentPath, labDownloadsPath, projectWorkflowPath, reportedCommentsPath, reportedSubjectsPath } from '@chorus/client';
import { Inject, Injectable } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { OpenReports } from '../subject-reports/open-reports-sql';
import { signerFor } from './tokens';

/** How long a link to verify an email works. */
export const VERIFICATION_LINK_DAYS = 7;
/** How long a link to set a new password works. */
export const PASSWORD_RESET_LINK_MINUTES = 60;

/** A link's claims: whose account, and what opening it does. */
export type EmailLinkClaims =
  /**
   * `email` is the account's; or, with `from`, becomes it in place of `from`, while it is the change the account
   * last asked for and the account's token generation is still `gen` (a password change or a sign-out everywhere
   * ends the change).
   */
  | { sub: string; purpose: 'verify-email'; email: string; from?: string; gen?: number }
  /**
   * Sets a new password while the account's email and token generation are still these, and it has not changed its
   * email since `at` (when the link was made, by the database's clock, in epoch seconds; links made before this claim
   * carry none, and work while the account has never changed its email).
   */
  | { sub: string; purpose: 'reset-password'; email: string; gen: number; at?: number };

type Purpose = EmailLinkClaims['purpose'];

/**
 * The links Chorus mails: signed tokens in the classifier's address, after `#` so that no server's log or referrer
 * holds them. Signed with a key of their own, derived from `AUTH_SECRET`: a link's token is never a bearer token, nor
 * a bearer token a link's.
 */
@Injectable()
export class EmailLinks {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.jwt = signerFor(config.authSecret, 'chorus email links');
  }

  verification(claims: Omit<Extract<EmailLinkClaims, { purpose: 'verify-email' }>, 'purpose'>): Promise<string> {
    return this.link('verify-email', { ...claims, purpose: 'verify-email' }, VERIFICATION_LINK_DAYS * 24 * 3600);
  }

  passwordReset(claims: Omit<Extract<EmailLinkClaims, { purpose: 'reset-password' }>, 'purpose'>): Promise<string> {
    return this.link('reset-password', { ...claims, purpose: 'reset-password' }, PASSWORD_RESET_LINK_MINUTES * 60);
  }

  /** A page of the classifier (or a section of one), as a mail names it (no token: opening it proves nothing). */
  page(path: 'sign-in' | 'forgot-password' | 'account#api-keys' | 'account#discussion-mails' | 'account#report-mails' | 'account#completion-mails'): string {
    return `${this.config.publicUrl}/${path}`;
  }

  /** Where a project's open reports are listed in the lab: its reported comments when some are open, and the reported subjects of each workflow with some open. */
  reportsPages(projectSlug: string, { comments, subjectWorkflows }: Pick<OpenReports, 'comments' | 'subjectWorkflows'>): string[] {
    return [...(comments ? [reportedCommentsPath(projectSlug)] : []), ...subjectWorkflows.map(reportedSubjectsPath)].map((path) => `${this.config.publicUrl}${path}`);
  }

  /** A project's news page (a news mail's link to it). */
  newsPage(projectSlug: string): string {
    return `${this.config.publicUrl}/projects/${encodeURIComponent(projectSlug)}/news`;
  }

  /** A workflow on its project's page (a volunteer's link to a completed workflow). */
  projectWorkflow(projectSlug: string, workflowId: string): string {
    return `${this.config.publicUrl}${projectWorkflowPath(projectSlug, workflowId)}`;
  }

  /** A workflow's downloads in the lab (its researchers' link to a completed workflow). */
  labDownloads(workflowId: string): string {
    return `${this.config.publicUrl}${labDownloadsPath(workflowId)}`;
  }

  /** A comment in its discussion (a subject's or a board's), which the classifier brings into view (`commentPath`). */
  comment(projectSlug: string, discussion: CommentPlace, commentId: string): string {
    return `${this.config.publicUrl}${commentPath(projectSlug, discussion, commentId)}`;
  }

  /** The token's claims, if it is a link of this purpose, signed here and unexpired. */
  async read<P extends Purpose>(token: string, purpose: P): Promise<Extract<EmailLinkClaims, { purpose: P }> | undefined> {
    const claims = await this.jwt.verifyAsync<EmailLinkClaims>(token).catch(() => undefined);
    return claims?.purpose === purpose ? (claims as Extract<EmailLinkClaims, { purpose: P }>) : undefined;
  }

  private async link(page: Purpose, claims: EmailLinkClaims, expiresIn: number): Promise<string> {
    return `${this.config.publicUrl}/${page}#token=${await this.jwt.signAsync(claims, { expiresIn })}`;
  }
}
