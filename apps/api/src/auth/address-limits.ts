import { createHash } from 'node:crypto';
import { type ExecutionContext, Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { SkipThrottle, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, normalizeIp } from '@nestjs/throttler';
import type { AppConfig } from '../config/config';
import { AddressLimitStore } from './address-limit-store';
import type { AuthUser } from './auth.decorators';
import { ProblemException } from '../common/problem';
import { normalisedEmail } from './dto/auth.dto';

/** New volunteers (guests and accounts) made from one address, counted together over the last hour. */
export const NEW_VOLUNTEERS = 'newVolunteers';
/**
 * Sign-in attempts at one account from one address, over the last quarter of an hour: at sign-in, the account its
 * email names; at the account's own routes that check its password, the caller's.
 */
export const SIGN_INS = 'signIns';
/** Invitations one account sends (each mailed), over the last day: nobody turns Chorus into a way to send mail to anyone. */
export const INVITATIONS = 'invitations';

const HOUR_MS = 3600_000;
const QUARTER_HOUR_MS = 15 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The limits of the auth routes, each a sliding window (a refused request does not count) shared by the API's
 * processes through Redis (`AddressLimitStore`).
 * A script that makes guests by the thousand would fill the users table and, holding subjects under each, keep a small
 * workflow from everyone; one that tries passwords would guess them. A limit of 0 turns one off.
 */
export function addressLimits(config: AppConfig, emailOfAccount: EmailOfAccount): ThrottlerModuleOptions {
  return {
    setHeaders: false,
    storage: new AddressLimitStore(config),
    throttlers: [
      {
        name: NEW_VOLUNTEERS,
        ttl: HOUR_MS,
        limit: config.newVolunteersPerAddressPerHour,
        blockDuration: 0,
        skipIf: () => config.newVolunteersPerAddressPerHour === 0,
        // Guests and sign-ups count together (a guest who signs up makes an account of its own, carried into at sign-in).
        generateKey: (_context, address, name) => `${name}:${address}`,
      },
      {
        name: SIGN_INS,
        ttl: QUARTER_HOUR_MS,
        limit: config.signInsPerAccountPerQuarterHour,
        blockDuration: 0,
        skipIf: () => config.signInsPerAccountPerQuarterHour === 0,
        // The address as the other limit counts it (an IPv6 /64 is one address), and the account by its email, as
        // sign-in finds it (on the account's own routes, the email of the token's account): one count for every
        // route that checks the account's password.
        getTracker: async (request, context) => `${normalizeIp(request.ip)}:${await signInAccountOf(request, context, emailOfAccount)}`,
        // Hashed: the tracker holds an email as sent, of any length, before the body is checked.
        generateKey: (_context, tracker, name) => `${name}:${createHash('sha256').update(tracker).digest('base64url')}`,
      },
      {
        name: INVITATIONS,
        ttl: DAY_MS,
        limit: config.invitationsPerAccountPerDay,
        blockDuration: 0,
        skipIf: () => config.invitationsPerAccountPerDay === 0,
        getTracker: (request) => (request as { user?: AuthUser }).user?.id ?? '',
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
      },
    ],
  };
}

/** The email an account signs in with, or null (a guest, an account deleted). */
export type EmailOfAccount = (userId: string) => Promise<string | null>;

/**
 * The account a password check is at: on the account's own routes (`CountsAsSignInOfCaller`), the caller's, whatever
 * the body says (a new email, say); elsewhere, the one the body's email names.
 */
async function signInAccountOf(request: { body?: { email?: unknown }; user?: AuthUser }, context: ExecutionContext, emailOfAccount: EmailOfAccount): Promise<string> {
  if (Reflect.getMetadata(SIGN_IN_OF_CALLER, context.getHandler())) {
    return request.user ? ((await emailOfAccount(request.user.id)) ?? `account ${request.user.id}`) : '';
  }
  return typeof request.body?.email === 'string' ? normalisedEmail(request.body.email) : '';
}

const SIGN_IN_OF_CALLER = 'chorus:sign-in-of-caller';

/** A route of the caller's own account that checks its password: it counts toward the caller's sign-in limit. */
export const CountsAsSignInOfCaller = () =>
  applyDecorators(SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: false }), SetMetadata(SIGN_IN_OF_CALLER, true));

/** The routes that make volunteers (every other limited route but `invite` checks a password). */
const NEW_VOLUNTEER_ROUTES = new Set(['register', 'guest']);

/** Refuses over the limit with a problem that says when to try again, in `Retry-After` too. */
@Injectable()
export class AddressLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, { limit, timeToBlockExpire }: ThrottlerLimitDetail): Promise<void> {
    const wait = Math.max(1, timeToBlockExpire);
    const when = wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
    throw new ProblemException(429, this.tooMany(context.getHandler().name, limit, when), undefined, 'too-many-requests').retryAfter(wait);
  }

  private tooMany(route: string, limit: number, when: string): string {
    if (NEW_VOLUNTEER_ROUTES.has(route)) return `Too many new volunteers from your address (at most ${limit} an hour); try again in ${when}, or sign in to an account you already have.`;
    if (route === 'invite') return `Too many invitations from your account (at most ${limit} a day, each mailed); try again in ${when}.`;
    return `Too many sign-in attempts at this account from your address (at most ${limit} in 15 minutes); try again in ${when}.`;
  }
}
