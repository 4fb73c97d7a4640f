import { createHash } from 'node:crypto';
import { type ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerRequest, normalizeIp } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AddressLimitStore, type TakenHit } from './address-limit-store';
import type { AuthUser } from './auth.decorators';
import { type RateLimitNote, type RateLimitState, noteRateLimit, tooManyRequests } from '../common/rate-limits';
import { normalisedEmail } from './dto/auth.dto';

/** New volunteers (guests and accounts) made from one address, counted together over the last hour. */
export const NEW_VOLUNTEERS = 'newVolunteers';
/**
 * Attempts at one account's password from one address, over the last quarter of an hour: those refused, at sign-in
 * and at the account's own routes that check its password (`SignInLimits`), and every request for a password-reset
 * link (this throttler, by the account its email names).
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
export function addressLimits(config: AppConfig): ThrottlerModuleOptions {
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
        // The account by its email, as sign-in finds it: one count with the failed sign-ins (`SignInLimits`).
        getTracker: (request) => signInTracker(request.ip, typeof request.body?.email === 'string' ? normalisedEmail(request.body.email) : ''),
        generateKey: (_context, tracker) => signInKey(tracker),
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

/** Who tries an account's password: the address as the other limits count it (an IPv6 /64 is one), and the account. */
const signInTracker = (address: string, account: string) => `${normalizeIp(address)}:${account}`;
/** Hashed: the tracker holds an email as sent, of any length, before the body is checked. */
const signInKey = (tracker: string) => `${SIGN_INS}:${createHash('sha256').update(tracker).digest('base64url')}`;

/** Where a sign-in comes from (`SignInFrom`): the request's address, and its answer's rate-limit headers. */
export const SignInOrigin = createParamDecorator((_data: unknown, context: ExecutionContext): SignInFrom => {
  const request = context.switchToHttp().getRequest<{ ip: string }>();
  return { address: request.ip, note: (state) => noteRateLimit(request, state) };
});

/** The routes that make volunteers (every other limited route but `invite` checks a password). */
const NEW_VOLUNTEER_ROUTES = new Set(['register', 'guest']);

/**
 * Counts each limit of the route (as `ThrottlerGuard` does), and refuses over one with a problem that says when to try
 * again, in `Retry-After` too; below them, the answer says how the request stands (`RateLimit-*`).
 */
@Injectable()
export class AddressLimitGuard extends ThrottlerGuard {
  protected override async handleRequest({ context, limit, ttl, throttler, blockDuration, getTracker, generateKey }: ThrottlerRequest): Promise<boolean> {
    const { req } = this.getRequestResponse(context);
    const key = generateKey(context, await getTracker(req, context), throttler.name!);
    const { totalHits, timeToExpire, isBlocked, timeToBlockExpire } = await this.storageService.increment(key, ttl, limit, blockDuration, throttler.name!);
    if (isBlocked) throw tooManyRequests(this.tooMany(context.getHandler().name, key, limit), { limit, resetSeconds: timeToBlockExpire });
    noteRateLimit(req, { limit, remaining: Math.max(0, limit - totalHits), resetSeconds: timeToExpire });
    return true;
  }

  private tooMany(route: string, key: string, limit: number): (when: string) => string {
    if (NEW_VOLUNTEER_ROUTES.has(route)) return (when) => `Too many new volunteers from your address (at most ${limit} an hour); try again in ${when}, or sign in to an account you already have.`;
    if (key.startsWith(`${PASSWORD_RESETS}:`)) return (when) => `Too many password-reset links asked for from your address (at most ${limit} an hour); try again in ${when}.`;
    if (route === 'invite') return (when) => `Too many invitations from your account (at most ${limit} a day, each mailed); try again in ${when}.`;
    return (when) => `Too many sign-in attempts at this account from your address (at most ${limit} in 15 minutes); try again in ${when}.`;
  }
}

/** Who signs in: from which address, and where the answer notes how the sign-in stands against its limits. */
export interface SignInFrom {
  address: string;
  note: RateLimitNote;
}

/** One window of `SignInLimits`: its key, its limit, and the refusal over it. */
interface SignInWindow {
  key: string;
  limit: number;
  refusal: (when: string) => string;
}

/**
 * The limits of guessing passwords at sign-in (and at the account's own routes that check its password), over the last
 * quarter of an hour, which count only the sign-ins refused (a wrong email or password), so that a script signing in
 * again and again with the right password is never held up: per account from one address
 * (`SIGN_INS_PER_ACCOUNT_PER_15_MINUTES`, the window requests for a password-reset link count in too) and per address
 * whatever the accounts (`FAILED_SIGN_INS_PER_ADDRESS_PER_15_MINUTES`: a script trying one common password at every
 * email it knows). Every attempt is counted while its password is checked,
 * and given back once it proves right, so that attempts sent at once cannot all get in before the first is refused;
 * one that proves right also forgets the account's failures from that address (whoever knows the password need not
 * guess it). Over a limit, the sign-in is refused before any password is checked, the same whether or not the email
 * has an account.
 */
@Injectable()
export class SignInLimits {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectThrottlerStorage() private readonly store: AddressLimitStore,
  ) {}

  /**
   * Runs the sign-in `attempt` at the account `email` names (or another check of its password), counted as failed
   * unless it answers.
   */
  async counting<T>(from: SignInFrom, email: string, attempt: () => Promise<T>): Promise<T> {
    const [account, address] = this.windows(from.address, email);
    const taken = await this.take([account, address].filter((window): window is SignInWindow => window !== undefined));
    let answer: T;
    try {
      answer = await attempt();
    } catch (error) {
      for (const { window, hit } of taken) from.note(stateOf(window, hit.counted, hit.resetSeconds));
      throw error;
    }
    for (const { window, hit } of taken) {
      if (window === account) await this.store.forget(window.key);
      else await this.store.giveBack(window.key, hit.id);
      from.note(window === account ? stateOf(window, 0, 0) : stateOf(window, hit.counted - 1, hit.resetSeconds));
    }
    return answer;
  }

  private windows(address: string, email: string): [SignInWindow | undefined, SignInWindow | undefined] {
    const { signInsPerAccountPerQuarterHour: perAccount, failedSignInsPerAddressPerQuarterHour: perAddress } = this.config;
    return [
      perAccount === 0
        ? undefined
        : { key: signInKey(signInTracker(address, email)), limit: perAccount, refusal: (when) => `Too many wrong passwords for this account from your address (at most ${perAccount} in 15 minutes); try again in ${when}, or set a new password (POST /api/v1/auth/password-reset).` },
      perAddress === 0
        ? undefined
        : { key: `failedSignIns:${normalizeIp(address)}`, limit: perAddress, refusal: (when) => `Too many failed sign-ins from your address (at most ${perAddress} in 15 minutes); try again in ${when}.` },
    ];
  }

  /** A hit in each window, or a refusal over the first that is full (the hits taken before it given back). */
  private async take(windows: SignInWindow[]): Promise<{ window: SignInWindow; hit: TakenHit }[]> {
    const taken: { window: SignInWindow; hit: TakenHit }[] = [];
    for (const window of windows) {
      const hit = await this.store.take(window.key, QUARTER_HOUR_MS, window.limit);
      if ('id' in hit) {
        taken.push({ window, hit });
        continue;
      }
      for (const before of taken) await this.store.giveBack(before.window.key, before.hit.id);
      throw tooManyRequests(window.refusal, { limit: window.limit, resetSeconds: hit.retryAfterSeconds });
    }
    return taken;
  }
}

const stateOf = ({ limit }: SignInWindow, counted: number, resetSeconds: number): RateLimitState => ({ limit, remaining: Math.max(0, limit - counted), resetSeconds: counted > 0 ? resetSeconds : 0 });
