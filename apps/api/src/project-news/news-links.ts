import { Inject, Injectable } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';
import { signerFor } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** The mails an account's one-click stop link stops (a setting of the account each): of replies and mentions, of the discussions it follows, of reports in the projects it moderates. */
export type StoppedMails = 'replies-and-mentions' | 'followed' | 'reports';

/**
 * What a mail's unsubscription link says: whose subscription to which project's news it ends, or whose mails it stops
 * (of replies and mentions; `followed`, of the discussions followed: links made before it said neither, and stop the
 * first; of reports, a purpose of its own, which a release that reads only the first two refuses rather than take for
 * the first; of completed workflows, as a project's researcher, `team`, or as a volunteer).
 */
type UnsubscribeClaims =
  | { sub: string; project: string; purpose: 'news-unsubscribe' }
  | { sub: string; purpose: 'discussion-unsubscribe'; followed?: true }
  | { sub: string; purpose: 'report-mails-unsubscribe' }
  | { sub: string; purpose: 'completion-unsubscribe'; team: boolean };

const stopClaims = (sub: string, mails: StoppedMails): UnsubscribeClaims =>
  mails === 'reports' ? { sub, purpose: 'report-mails-unsubscribe' } : { sub, purpose: 'discussion-unsubscribe', ...(mails === 'followed' ? { followed: true } : {}) };

/** Where a mail's one-click unsubscription leads: the page its text links to, and the API address mail clients POST to (RFC 8058). */
export interface UnsubscribeLink {
  page: string;
  post: string;
}

/**
 * The links of a news mail: the project's news page, and the one-click unsubscription, a token signed with a key of
 * its own (derived from `AUTH_SECRET`: never a bearer token, nor an email link); and a discussion mail's one-click
 * stop, signed alike. They do not expire: each can only end one subscription, which its reader may want to do years
 * later, and ending it again changes nothing.
 */
@Injectable()
export class NewsLinks {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.jwt = signerFor(config.authSecret, 'chorus news unsubscriptions');
  }

  newsPage(projectSlug: string): string {
    return `${this.config.publicUrl}/projects/${encodeURIComponent(projectSlug)}/news`;
  }

  /** The page the mail's text links to (the token after `#`, kept out of servers' logs), and the API address mail clients POST to (RFC 8058). */
  async unsubscribe(userId: string, projectId: string): Promise<UnsubscribeLink> {
    const token = await this.jwt.signAsync({ sub: userId, project: projectId, purpose: 'news-unsubscribe' } satisfies UnsubscribeClaims);
    return { page: `${this.config.publicUrl}/unsubscribe#token=${token}`, post: `${this.config.publicUrl}/api/v1/news-unsubscriptions?token=${token}` };
  }

  /**
   * A discussion or report mail's one-click stop of the account's mails of that kind (`mails`), as `unsubscribe`'s: one
   * page and one API address for all three.
   */
  async stopMails(userId: string, mails: StoppedMails): Promise<UnsubscribeLink> {
    const token = await this.jwt.signAsync(stopClaims(userId, mails));
    return { page: `${this.config.publicUrl}/stop-discussion-mails#token=${token}`, post: `${this.config.publicUrl}/api/v1/discussion-unsubscriptions?token=${token}` };
  }

  /** A completion mail's one-click stop of the account's mails of completed workflows, as its researcher (`team`) or as a volunteer, as `unsubscribe`'s. */
  async stopCompletionMails(userId: string, team: boolean): Promise<UnsubscribeLink> {
    const token = await this.jwt.signAsync({ sub: userId, purpose: 'completion-unsubscribe', team } satisfies UnsubscribeClaims);
    return { page: `${this.config.publicUrl}/stop-completion-mails#token=${token}`, post: `${this.config.publicUrl}/api/v1/completion-unsubscriptions?token=${token}` };
  }

  /** Whose subscription to which project the token ends, if it is a news mail's signed here. */
  async read(token: string): Promise<{ userId: string; projectId: string } | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    return claims?.purpose === 'news-unsubscribe' ? { userId: claims.sub, projectId: claims.project } : undefined;
  }

  /** Whose mails the token stops, and which (`stopMails`), if it is a discussion or report mail's signed here. */
  async readMailStop(token: string): Promise<{ userId: string; mails: StoppedMails } | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    if (claims?.purpose === 'report-mails-unsubscribe') return { userId: claims.sub, mails: 'reports' };
    if (claims?.purpose !== 'discussion-unsubscribe') return undefined;
    return { userId: claims.sub, mails: claims.followed ? 'followed' : 'replies-and-mentions' };
  }

  /** Whose mails of completed workflows the token stops, and which (`team`: as a project's researcher), if it is a completion mail's signed here. */
  async readCompletionStop(token: string): Promise<{ userId: string; team: boolean } | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    return claims?.purpose === 'completion-unsubscribe' ? { userId: claims.sub, team: claims.team } : undefined;
  }
}
