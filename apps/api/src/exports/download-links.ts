import { Inject, Injectable } from '@nestjs/common';
import type { ExportKind } from '@chorus/client';
import type { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../auth/auth.decorators';
import { EndedSessions, type TokenSession } from '../auth/ended-sessions';
import { TokenGenerations } from '../auth/token-generations';
import { signerFor } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** Why a download link opens nothing: `LinkClaims` says which of the two. */
export type LinkRefusal = 'invalid' | 'key-revoked';

/** A project's downloads: its comments, its volunteers to credit, and every workflow's classifications. */
export const PROJECT_DOWNLOAD_KINDS = ['comments', 'contributors', 'project-classifications'] as const;
export type ProjectDownloadKind = (typeof PROJECT_DOWNLOAD_KINDS)[number];
export const isProjectDownload = (kind: DownloadTarget['kind']): kind is ProjectDownloadKind => (PROJECT_DOWNLOAD_KINDS as readonly string[]).includes(kind);

/**
 * What a link downloads: one of a workflow's downloads (of one of its sets alone with `subjectSetId`: signed in, so that
 * a link to a set's cannot be opened for the whole workflow or another set), one of its project's, a subject set's file
 * (`subjects`), a set's published text (`published-text`, whoever may read it), or the account's own classifications or
 * comments (`OwnDownloadKind`, the link's account's).
 */
export type DownloadTarget =
  | { workflowId: string; kind: ExportKind; subjectSetId?: string }
  | { projectId: string; kind: ProjectDownloadKind }
  | { subjectSetId: string; kind: 'subjects' }
  | PublishedTextTarget
  | { kind: 'own-classifications' }
  | { kind: 'own-comments' };

/** A set's published text as one workflow gives it (`GET /subject-sets/:id/published-text?format=text`), for a draft project's members. */
export type PublishedTextTarget = { subjectSetId: string; workflowId: string; kind: 'published-text' };

/** An account's own downloads: what it classified, what it wrote in discussions. */
export type OwnDownloadKind = 'own-classifications' | 'own-comments';
export const isOwnDownload = (kind: DownloadTarget['kind']): kind is OwnDownloadKind => kind === 'own-classifications' || kind === 'own-comments';

const sameTarget = (claims: LinkClaims, target: DownloadTarget) =>
  claims.kind === target.kind &&
  claims.workflowId === ('workflowId' in target ? target.workflowId : undefined) &&
  claims.projectId === ('projectId' in target ? target.projectId : undefined) &&
  claims.subjectSetId === ('subjectSetId' in target ? target.subjectSetId : undefined);

/** How long a download link works: long enough to start the download, short enough that one leaked soon dies. */
export const DOWNLOAD_LINK_SECONDS = 10 * 60;

interface LinkClaims {
  sub: string;
  gen: number;
  /** The session that asked for the link: signing out of it ends the link too. */
  sid: string;
  /** That session is a personal API key's (`sid` its id): revoking the key ends the link. Absent on links made before it was kept. */
  key?: true;
  workflowId?: string;
  projectId?: string;
  subjectSetId?: string;
  kind: DownloadTarget['kind'];
}

/**
 * Links that open one of a workflow's downloads, a project's comments or contributors, a subject set's file, or the account's own classifications or comments (as often as wanted, in any format and `since`) without an
 * Authorization header, so that a browser can save the file as it streams (a link cannot carry a header) and a script
 * can hand it to `curl`. Signed for this purpose only, for `DOWNLOAD_LINK_SECONDS` or until the session that asked for
 * it expires, if sooner (an ended session is remembered only until then); ended by signing out of that session, and,
 * as every token of the account, by signing out everywhere. Whoever opens one must still be a researcher of the project
 * (its account, for its own classifications and comments).
 */
@Injectable()
export class DownloadLinks {
  private readonly signer: JwtService;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly generations: TokenGenerations,
    private readonly endedSessions: EndedSessions,
  ) {
    this.signer = signerFor(config.authSecret, 'chorus download links');
  }

  async sign(user: AuthUser, session: TokenSession, target: DownloadTarget): Promise<{ token: string; expiresAt: Date }> {
    const byKey = user.apiKeyId !== undefined;
    const claims: LinkClaims = { sub: user.id, gen: (await this.generations.latest(user.id)) ?? 0, sid: session.id, ...target, ...(byKey ? { key: true as const } : {}) };
    const expiresAt = Math.min(Math.floor(Date.now() / 1000) + DOWNLOAD_LINK_SECONDS, session.expiresAt);
    const token = await this.signer.signAsync({ ...claims, exp: expiresAt });
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * The account a link opens this download for, or why it opens none: `invalid` (another download's, expired, its
   * session or account signed out since), `key-revoked` (made with a personal API key revoked since).
   */
  async userOf(token: string, target: DownloadTarget): Promise<AuthUser | LinkRefusal> {
    const claims = await this.signer.verifyAsync<LinkClaims>(token).catch(() => undefined);
    if (!claims || !sameTarget(claims, target)) return 'invalid';
    if (claims.gen !== (await this.generations.current(claims.sub))) return 'invalid';
    if (await this.endedSessions.ended(claims.sid)) return claims.key ? 'key-revoked' : 'invalid';
    return { id: claims.sub, kind: 'registered' };
  }
}
