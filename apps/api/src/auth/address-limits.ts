import { createHash } from 'node:crypto';
import { type ExecutionContext, Inject, Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { InjectThrottlerStorage, SkipThrottle, ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions, normalizeIp } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/config';
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
/** Password-reset links asked for from one address, whatever the email, over the last hour. */
export const PASSWORD_RESETS = 'passwordResets';
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
        name: PASSWORD_RESETS,
        ttl: HOUR_MS,
        limit: config.passwordResetsPerAddressPerHour,
        blockDuration: 0,
        skipIf: () => config.passwordResetsPerAddressPerHour === 0,
        // Whatever the email: one address does not mail reset links to a list of them.
        generateKey: (_context, address, name) => `${name}:${address}`,
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
  applyDecorators(SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: false, [PASSWORD_RESETS]: true }), SetMetadata(SIGN_IN_OF_CALLER, true));

/** The routes that make volunteers (every other limited route but `invite` checks a password). */
const NEW_VOLUNTEER_ROUTES = new Set(['register', 'guest']);

/** Refuses over the limit with a problem that says when to try again, in `Retry-After` too. */
@Injectable()
export class AddressLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, { limit, timeToBlockExpire, key }: ThrottlerLimitDetail): Promise<void> {
    throw tooManyRequests(this.tooMany(context.getHandler().name, key, limit), timeToBlockExpire);
  }

  private tooMany(route: string, key: string, limit: number): (when: string) => string {
    if (NEW_VOLUNTEER_ROUTES.has(route)) return (when) => `Too many new volunteers from your address (at most ${limit} an hour); try again in ${when}, or sign in to an account you already have.`;
    if (key.startsWith(`${PASSWORD_RESETS}:`)) return (when) => `Too many password-reset links asked for from your address (at most ${limit} an hour); try again in ${when}.`;
    if (route === 'invite') return (when) => `Too many invitations from your account (at most ${limit} a day, each mailed); try again in ${when}.`;
    return (when) => `Too many sign-in attempts at this account from your address (at most ${limit} in 15 minutes); try again in ${when}.`;
  }
}

/** A refusal over a limit, saying when to try again, in `Retry-After` too. */
function tooManyRequests(detail: (when: string) => string, waitSeconds: number): ProblemException {
  const wait = Math.max(1, waitSeconds);
  const when = wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`;
  return new ProblemException(429, detail(when), undefined, 'too-many-requests').retryAfter(wait);
}

/**
 * Sign-ins refused for a wrong email or password from one address, whatever the accounts (a script trying one common
 * password at every email it knows), over the last quarter of an hour; a successful sign-in does not count. Every
 * attempt is counted while its password is checked, and given back once it proves right, so that attempts sent at once
 * cannot all get in before the first is refused. Over the limit, the address's sign-ins are refused before any password
 * is checked, the same whether or not the email has an account.
 */
@Injectable()
export class FailedSignIns {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly store: AddressLimitStore,
  ) {}

  /** Runs the sign-in `attempt` from `address` (the request's), counted as failed unless it answers. */
  async counting<T>(address: string, attempt: () => Promise<T>): Promise<T> {
    const limit = this.config.failedSignInsPerAddressPerQuarterHour;
    if (limit === 0) return attempt();
    const key = `failedSignIns:${normalizeIp(address)}`;
    const taken = await this.store.take(key, QUARTER_HOUR_MS, limit);
    if ('retryAfterSeconds' in taken) {
      throw tooManyRequests((when) => `Too many failed sign-ins from your address (at most ${limit} in 15 minutes); try again in ${when}.`, taken.retryAfterSeconds);
    }
    const answer = await attempt();
    await this.store.giveBack(key, taken.id);
    return answer;
  }
}
