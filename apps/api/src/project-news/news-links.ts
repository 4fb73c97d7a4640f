import { Inject, Injectable } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';
import { signerFor } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** What a news mail's unsubscription link says: whose subscription to which project it ends. */
interface UnsubscribeClaims {
  sub: string;
  project: string;
  purpose: 'news-unsubscribe';
}

/**
 * The links of a news mail: the project's news page, and the one-click unsubscription, a token signed with a key of
 * its own (derived from `AUTH_SECRET`: never a bearer token, nor an email link). It does not expire: it can only end
 * one subscription, which its reader may want to do years later, and ending it again changes nothing.
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
  async unsubscribe(userId: string, projectId: string): Promise<{ page: string; post: string }> {
    const token = await this.jwt.signAsync({ sub: userId, project: projectId, purpose: 'news-unsubscribe' } satisfies UnsubscribeClaims);
    return { page: `${this.config.publicUrl}/unsubscribe#token=${token}`, post: `${this.config.publicUrl}/api/v1/news-unsubscriptions?token=${token}` };
  }

  /** Whose subscription to which project the token ends, if it is one signed here. */
  async read(token: string): Promise<{ userId: string; projectId: string } | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    return claims?.purpose === 'news-unsubscribe' ? { userId: claims.sub, projectId: claims.project } : undefined;
  }
}
