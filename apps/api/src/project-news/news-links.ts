import { Inject, Injectable } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';
import { signerFor } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';

/**
 * What a mail's unsubscription link says: whose subscription to which project's news it ends, or whose mails of
 * discussions, or of completed workflows (as a project's researcher, `team`, or as a volunteer), it stops.
 */
type UnsubscribeClaims =
  | { sub: string; project: string; purpose: 'news-unsubscribe' }
  | { sub: string; purpose: 'discussion-unsubscribe'; followed?: true }
  | { sub: string; purpose: 'completion-unsubscribe'; team: boolean };

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
   * A discussion mail's one-click stop of the account's mails of replies and mentions, or (`followed`) of new comments
   * in the discussions it follows, as `unsubscribe`'s.
   */
  async stopDiscussionMails(userId: string, followed: boolean): Promise<UnsubscribeLink> {
    const claims: UnsubscribeClaims = followed ? { sub: userId, purpose: 'discussion-unsubscribe', followed: true } : { sub: userId, purpose: 'discussion-unsubscribe' };
    const token = await this.jwt.signAsync(claims);
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

  /** Whose mails of discussions the token stops, and which (`followed`: of the discussions followed), if it is a discussion mail's signed here. */
  async readDiscussionStop(token: string): Promise<{ userId: string; followed: boolean } | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    return claims?.purpose === 'discussion-unsubscribe' ? { userId: claims.sub, followed: claims.followed === true } : undefined;
  }

  /** Whose mails of completed workflows the token stops, and which (`team`: as a project's researcher), if it is a completion mail's signed here. */
  async readCompletionStop(token: string): Promise<{ userId: string; team: boolean } | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    return claims?.purpose === 'completion-unsubscribe' ? { userId: claims.sub, team: claims.team } : undefined;
  }
}
