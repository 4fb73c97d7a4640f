import type { MailSetting } from '@chorus/client';
import { Inject, Injectable } from '@nestjs/common';
import type { JwtService } from '@nestjs/jwt';
import { signerFor } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** The route of the one-click stop of every mail (`List-Unsubscribe` names it). */
export const UNSUBSCRIBE_ROUTE = 'unsubscriptions';
/** The routes of the stops that mails sent before the one stop name in their `List-Unsubscribe` headers: they go on working. */
export const EARLIER_UNSUBSCRIBE_ROUTES = ['news-unsubscriptions', 'discussion-unsubscriptions', 'completion-unsubscriptions'];
/** Every route a mail's `List-Unsubscribe` header names, which a mail client's one-click POST (RFC 8058) reaches. */
export const ONE_CLICK_ROUTES = [UNSUBSCRIBE_ROUTE, ...EARLIER_UNSUBSCRIBE_ROUTES];

/** What a mail's one-click stop stops: a project's news (its subscription), or the account's mails of one setting. */
export type MailStop = { mails: 'news'; projectId: string } | { mails: MailSetting };

/**
 * What a mail's unsubscription link's token says: whose subscription to which project's news it ends, or whose mails it
 * stops (of replies and mentions; `followed`, of the discussions followed: links made before it said neither, and stop
 * the first; of reports, a purpose of its own, which a release that reads only the first two refuses rather than take
 * for the first; of completed workflows, as a project's researcher, `team`, or as a volunteer). Mails already sent
 * carry these, signed with the label in `UnsubscribeLinks`: they must keep being read as they are (frozen, as it is).
 */
type UnsubscribeClaims =
  | { sub: string; project: string; purpose: 'news-unsubscribe' }
  | { sub: string; purpose: 'discussion-unsubscribe'; followed?: true }
  | { sub: string; purpose: 'report-mails-unsubscribe' }
  | { sub: string; purpose: 'completion-unsubscribe'; team: boolean };

function claimsOf(sub: string, stop: MailStop): UnsubscribeClaims {
  if (stop.mails === 'news') return { sub, project: stop.projectId, purpose: 'news-unsubscribe' };
  if (stop.mails === 'reportMails') return { sub, purpose: 'report-mails-unsubscribe' };
  if (stop.mails === 'completionMails' || stop.mails === 'volunteerCompletionMails') return { sub, purpose: 'completion-unsubscribe', team: stop.mails === 'completionMails' };
  return { sub, purpose: 'discussion-unsubscribe', ...(stop.mails === 'followedDiscussionMails' ? { followed: true } : {}) };
}

function stopOf(claims: UnsubscribeClaims): MailStop | undefined {
  switch (claims.purpose) {
    case 'news-unsubscribe':
      return { mails: 'news', projectId: claims.project };
    case 'report-mails-unsubscribe':
      return { mails: 'reportMails' };
    case 'completion-unsubscribe':
      return { mails: claims.team ? 'completionMails' : 'volunteerCompletionMails' };
    case 'discussion-unsubscribe':
      return { mails: claims.followed ? 'followedDiscussionMails' : 'discussionMails' };
    default:
      return undefined;
  }
}

/** Where a mail's one-click unsubscription leads: the page its text links to, and the API address mail clients POST to (RFC 8058). */
export interface UnsubscribeLink {
  page: string;
  post: string;
}

/**
 * The one-click stop of every mail that has one (news, discussions, reports, completed workflows): one page and one API
 * address, a token signed with a key of its own (derived from `AUTH_SECRET`: never a bearer token, nor an email link)
 * saying which mails it stops. They do not expire: each can only stop one kind of mail, which its reader may want to
 * do years later, and stopping it again changes nothing.
 */
@Injectable()
export class UnsubscribeLinks {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // Frozen, as the claims' shapes are (`UnsubscribeClaims`): the links of every mail already sent were signed with this
    // label (named when only news mails had one), and would stop working under another.
    this.jwt = signerFor(config.authSecret, 'chorus news unsubscriptions');
  }

  /** The page the mail's text links to (the token after `#`, kept out of servers' logs), and the API address mail clients POST to (RFC 8058). */
  async link(userId: string, stop: MailStop): Promise<UnsubscribeLink> {
    const token = await this.jwt.signAsync(claimsOf(userId, stop));
    return { page: `${this.config.publicUrl}/unsubscribe#token=${token}`, post: `${this.config.publicUrl}/api/v1/${UNSUBSCRIBE_ROUTE}?token=${token}` };
  }

  /** Whose mails the token stops, and which, if it is a mail's signed here. */
  async read(token: string): Promise<(MailStop & { userId: string }) | undefined> {
    const claims = await this.jwt.verifyAsync<UnsubscribeClaims>(token).catch(() => undefined);
    const stop = claims && stopOf(claims);
    return stop && { ...stop, userId: claims.sub };
  }
}
