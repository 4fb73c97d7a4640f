import { Inject, Injectable } from '@nestjs/common';
import type { ExportKind } from '@chorus/client';
import type { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../auth/auth.decorators';
import { TokenGenerations } from '../auth/token-generations';
import { signerFor } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** How long a download link works: long enough to start the download, short enough that one leaked soon dies. */
export const DOWNLOAD_LINK_SECONDS = 10 * 60;

interface LinkClaims {
  sub: string;
  gen: number;
  workflowId: string;
  kind: ExportKind;
}

/**
 * Links that open one of a workflow's downloads (as often as wanted, in any format and `since`) without an
 * Authorization header, so that a browser can save the file as it streams (a link cannot carry a header) and a script
 * can hand it to `curl`. Signed for this purpose only, for `DOWNLOAD_LINK_SECONDS`; ended, as every token of the
 * account, by signing out everywhere. Whoever opens one must still be a researcher of the project.
 */
@Injectable()
export class DownloadLinks {
  private readonly signer: JwtService;

  constructor(@Inject(APP_CONFIG) config: AppConfig, private readonly generations: TokenGenerations) {
    this.signer = signerFor(config.authSecret, 'chorus download links');
  }

  async sign(user: AuthUser, workflowId: string, kind: ExportKind): Promise<{ token: string; expiresAt: Date }> {
    const claims: LinkClaims = { sub: user.id, gen: (await this.generations.latest(user.id)) ?? 0, workflowId, kind };
    const token = await this.signer.signAsync(claims, { expiresIn: DOWNLOAD_LINK_SECONDS });
    return { token, expiresAt: new Date(Date.now() + DOWNLOAD_LINK_SECONDS * 1000) };
  }

  /** The account a link opens this download for, or undefined (another download's, expired, signed out since). */
  async userOf(token: string, workflowId: string, kind: ExportKind): Promise<AuthUser | undefined> {
    const claims = await this.signer.verifyAsync<LinkClaims>(token).catch(() => undefined);
    if (!claims || claims.workflowId !== workflowId || claims.kind !== kind) return undefined;
    if (claims.gen !== (await this.generations.current(claims.sub))) return undefined;
    return { id: claims.sub, kind: 'registered' };
  }
}
