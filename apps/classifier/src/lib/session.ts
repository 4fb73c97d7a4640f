import { ChorusClient, type Session, serverClock } from '@chorus/client';

export const TOKEN_KEY = 'chorus.token';
/** "guest" or "registered": what kind of volunteer the stored token is for (a guest's expired token is renewed). */
export const TOKEN_KIND_KEY = 'chorus.tokenKind';
/** Whose the token is (`{ id, displayName, email, emailVerified }`), as the API last said. */
export const USER_KEY = 'chorus.user';
/**
 * The account whose sign-in the server ended, and why (`{ why, userId }`): written before its token is forgotten, so
 * that this browser's other tabs that had the account say so as the tab that found out does (`endedHere`).
 */
const ENDED_KEY = 'chorus.signInEnded';

export type VolunteerKind = 'guest' | 'registered';

/** What the interface knows of the volunteer; a new object whenever anything in it changes. */
export interface SessionState {
  token: string | null;
  kind: VolunteerKind | null;
  userId: string | null;
  displayName: string | null;
  email: string | null;
  /** Whether the account's email is verified; null when not known (a session stored before this was). */
  emailVerified: boolean | null;
  /**
   * The server stopped accepting the signed-in account's token, so it was signed out here: the token `expired`, or its
   * sign-in was ended elsewhere before then (`signed-out`: a sign-out everywhere, a new password). Null otherwise.
   */
  ended: EndedSignIn | null;
}

export type EndedSignIn = 'expired' | 'signed-out';

const NO_SESSION: SessionState = { token: null, kind: null, userId: null, displayName: null, email: null, emailVerified: null, ended: null };

/**
 * Who made something kept on this device (an answer in the outbox): sent later with their token, whoever is signed in
 * then. No token: an account that signed out here, which never leaves its token behind; sent once it signs in here again.
 */
export interface Owner {
  userId: string | null;
  token: string | null;
}

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled: the session lives as long as the page
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage disabled or full: keep the token in memory only
  }
}

/**
 * The user id a token was issued to, for a session stored before the user was stored beside it. The token is the
 * API's signed JWT; only its `sub` is read, never trusted for anything but telling this device's volunteers apart.
 */
function subjectOf(token: string): string | null {
  const sub = claimsOf(token)?.sub;
  return typeof sub === 'string' ? sub : null;
}

/** A token's claims as far as the page can read them (the API's signed JWT), never trusted: the server alone checks them. */
function claimsOf(token: string): { sub?: unknown; kind?: unknown; exp?: unknown } | undefined {
  try {
    return JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) ?? undefined;
  } catch {
    return undefined;
  }
}

function readState(): SessionState {
  const token = readStorage(TOKEN_KEY);
  if (!token) return NO_SESSION;
  const storedKind = readStorage(TOKEN_KIND_KEY);
  let user: { id?: unknown; displayName?: unknown; email?: unknown; emailVerified?: unknown } = {};
  try {
    user = JSON.parse(readStorage(USER_KEY) ?? '{}') ?? {};
  } catch {
    // unreadable: known from the token alone
  }
  const sub = subjectOf(token);
  // Stored with another token (a write that failed half-way): only the token counts.
  if (typeof user.id !== 'string' || (sub !== null && user.id !== sub)) user = {};
  return {
    token,
    // Before accounts, every stored token was a guest's.
    kind: storedKind === 'registered' ? 'registered' : 'guest',
    userId: typeof user.id === 'string' ? user.id : sub,
    displayName: typeof user.displayName === 'string' ? user.displayName : null,
    email: typeof user.email === 'string' ? user.email : null,
    emailVerified: typeof user.emailVerified === 'boolean' ? user.emailVerified : null,
    ended: null,
  };
}

function stateOf({ token, user }: Session): SessionState {
  return { token, kind: user.kind, userId: user.id, displayName: user.displayName, email: user.email, emailVerified: user.emailVerified, ended: null };
}

/**
 * Why the server refused an account's token: it answers the same 401 (`unauthorized`, "invalid, expired or signed out
 * of") whatever the reason, so the token's own expiry (its `exp`) tells them apart, by the server's clock when it
 * refused: the refusal's `Date` header (to the second, as `exp` is), else this device's guess of that clock. One that
 * cannot be read is said to have expired, as before.
 */
function whyEnded(token: string, refusal: Response): EndedSignIn {
  const exp = claimsOf(token)?.exp;
  const dated = Date.parse(refusal.headers.get('date') ?? '');
  const refusedAt = Number.isFinite(dated) ? dated : serverClock.now();
  return typeof exp === 'number' && exp * 1000 > refusedAt ? 'signed-out' : 'expired';
}

/**
 * The volunteer's session. Every request goes through one `fetch` that adds the current bearer token; a
 * volunteer without a token becomes a guest on first use, and a guest whose token the server no longer
 * accepts (401) gets a new guest token once, transparently. Signing in, creating an account and signing out
 * replace the stored session (`adopt`, `signOut`); other tabs follow through the `storage` event.
 */
class VolunteerSession {
  private state: SessionState = readState();
  private renewing: Promise<string> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly replacedListeners = new Set<(replaced: Owner, by: Owner) => void>();
  /**
   * The account this tab had until the server stopped accepting its token, and why: kept past the guest that follows
   * (whose state says nothing of it), until the volunteer signs in, signs out, or chooses to go on as the guest.
   */
  private endedHere: { why: EndedSignIn; userId: string | null } | null = null;
  /** Talks to the API without a token: to start a guest session, and to sign in. */
  readonly anonymous = new ChorusClient({ baseUrl: '' });

  readonly client = new ChorusClient({ baseUrl: '', fetch: (input, init) => this.fetchWithToken(input, init) });

  constructor() {
    try {
      window.addEventListener('storage', (event) => {
        // Another tab signed in, created an account, signed out or renewed its guest: this one follows.
        if (event.key === null || event.key === TOKEN_KEY || event.key === USER_KEY || event.key === TOKEN_KIND_KEY) this.follow(readState());
      });
    } catch {
      // no window (never in the app)
    }
  }

  /** The session as it is now, for `useSyncExternalStore`. */
  readonly current = (): SessionState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Called when a guest the server stopped accepting is replaced by a new guest: what the old one left here is the new one's. */
  onGuestReplaced(listener: (replaced: Owner, by: Owner) => void): () => void {
    this.replacedListeners.add(listener);
    return () => this.replacedListeners.delete(listener);
  }

  /** Whether something made by `owner` is the current volunteer's (the same user, or the same token). */
  owns(owner: Owner): boolean {
    return (owner.token !== null && owner.token === this.state.token) || (owner.userId !== null && owner.userId === this.state.userId);
  }

  /** The current volunteer as an owner, or null before the session has a token. */
  owner(): Owner | null {
    return this.state.token ? { userId: this.state.userId, token: this.state.token } : null;
  }

  /** A client that always sends `token`: to send what another volunteer of this device made, as theirs. */
  clientFor(token: string): ChorusClient {
    return new ChorusClient({ baseUrl: '', token });
  }

  /** Resolves once the volunteer has a token, asking the API for a guest session if needed. */
  async ready(): Promise<ChorusClient> {
    if (!this.state.token) await this.startGuestSession();
    return this.client;
  }

  /** The account whose sign-in the server ended while this tab had it (see `endedHere`), if the volunteer has not moved on. */
  endedAccount(): { why: EndedSignIn; userId: string | null } | null {
    return this.endedHere;
  }

  /** The volunteer chose to go on as the guest that followed an ended sign-in. */
  forgetEndedAccount(): void {
    this.endedHere = null;
    writeStorage(ENDED_KEY, null);
  }

  /** A session from `login` (or a password reset) becomes the volunteer's, in place of the one before. */
  adopt(session: Session): void {
    writeStorage(ENDED_KEY, null);
    this.store(stateOf(session));
    this.set(stateOf(session));
  }

  /** Forgets the account on this device; the next request starts a fresh guest session. */
  signOut(): void {
    this.endedHere = null;
    writeStorage(ENDED_KEY, null);
    this.store(NO_SESSION);
    this.set(NO_SESSION);
  }

  private store(next: SessionState): void {
    writeStorage(TOKEN_KEY, next.token);
    writeStorage(TOKEN_KIND_KEY, next.token ? next.kind : null);
    const { userId: id, displayName, email, emailVerified } = next;
    writeStorage(USER_KEY, next.token && id ? JSON.stringify({ id, displayName, email, emailVerified }) : null);
  }

  /**
   * Another tab changed the session: this one follows. The account this tab had, whose sign-in the server ended (the
   * other tab found out), is said to have ended here too, as if this tab had found out.
   */
  private follow(next: SessionState): void {
    const ended = endedInAnotherTab();
    if (ended && this.state.kind === 'registered' && this.state.userId === ended.userId && next.userId !== ended.userId) {
      this.endedHere = ended;
      this.set({ ...next, ended: ended.why });
    } else {
      this.set(next);
    }
  }

  private set(next: SessionState): void {
    // An account signed in (here, or in another tab): no ended sign-in is left to tell of.
    if (next.kind === 'registered') this.endedHere = null;
    const now = this.state;
    const same = (Object.keys(next) as (keyof SessionState)[]).every((key) => now[key] === next[key]);
    if (same) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  private startGuestSession(replacing?: Owner): Promise<string> {
    this.renewing ??= this.anonymous
      .guest()
      .then((session) => {
        const next = stateOf(session);
        this.store(next);
        // What the old guest left on this device is the new one's before anything is shown for the new one.
        if (replacing) for (const listener of this.replacedListeners) listener(replacing, { userId: next.userId, token: session.token });
        this.set(next);
        return session.token;
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  private async fetchWithToken(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    let token = this.state.token;
    if (!token) {
      try {
        token = await this.startGuestSession();
      } catch (refused) {
        // No guest could be made (too many from this address, say): what anyone may read (the project list, a
        // project's page) is read without one; what needs a volunteer says why there is none.
        const anonymous = await fetch(input, init);
        if (anonymous.status !== 401) return anonymous;
        throw refused;
      }
    }
    const kind = this.state.kind;
    const response = await fetch(input, withBearer(init, token));
    if (response.status !== 401) return response;
    if (kind === 'registered') {
      // The account's token expired: it is signed out (never sent as a guest instead), and asked to sign in again.
      if (this.state.token === token) {
        const why = whyEnded(token, response);
        this.endedHere = { why, userId: this.state.userId };
        writeStorage(ENDED_KEY, JSON.stringify(this.endedHere));
        this.store(NO_SESSION);
        this.set({ ...NO_SESSION, ended: why });
      }
      return response;
    }
    // Never sent again as someone else (the volunteer signed in or out meanwhile).
    if (this.state.token !== token && this.state.kind !== 'guest') return response;
    // A stale guest token (for instance after the server's data was reset): start a new guest session and retry once.
    // Requests refused together share one renewal; one refused after it uses the new token.
    const renewed =
      this.state.token === token ? await this.startGuestSession({ userId: this.state.userId, token }) : (this.state.token ?? (await this.startGuestSession()));
    return fetch(input, withBearer(init, renewed));
  }
}

/** The ended sign-in another tab of this browser found (`ENDED_KEY`), if any is kept. */
function endedInAnotherTab(): { why: EndedSignIn; userId: string } | null {
  try {
    const kept: { why?: unknown; userId?: unknown } | null = JSON.parse(readStorage(ENDED_KEY) ?? 'null');
    if ((kept?.why === 'expired' || kept?.why === 'signed-out') && typeof kept.userId === 'string') return { why: kept.why, userId: kept.userId };
  } catch {
    // unreadable: none
  }
  return null;
}

/** Whom a token says it is for (its `kind` claim), as far as the page can read it: the server alone checks it. */
export function tokenKind(token: string): VolunteerKind | undefined {
  const kind = claimsOf(token)?.kind;
  return kind === 'guest' || kind === 'registered' ? kind : undefined;
}

function withBearer(init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

export const session = new VolunteerSession();

/** How many subjects this tab has classified in a workflow: "this session" survives a reload, not a new tab. */
const countKey = (workflowId: string) => `chorus.classified.${workflowId}`;

export function classifiedThisSession(workflowId: string): number {
  try {
    return Number(window.sessionStorage.getItem(countKey(workflowId))) || 0;
  } catch {
    return 0;
  }
}

export function rememberClassifiedThisSession(workflowId: string, count: number): void {
  try {
    window.sessionStorage.setItem(countKey(workflowId), String(count));
  } catch {
    // storage disabled: the count lives as long as the page
  }
}

/** A new volunteer on this tab (signed in, or signed out) starts counting afresh. */
export function forgetClassifiedThisSession(): void {
  try {
    const prefix = countKey('');
    for (let index = window.sessionStorage.length - 1; index >= 0; index -= 1) {
      const key = window.sessionStorage.key(index);
      if (key?.startsWith(prefix)) window.sessionStorage.removeItem(key);
    }
  } catch {
    // storage disabled: nothing kept
  }
}

/**
 * The subjects this tab's volunteer reported in a workflow, which this tab, reloaded too, never shows again. The queue
 * never serves them to the volunteer again, but a request already under way when the report was stored may have.
 */
const reportedKey = (workflowId: string) => `chorus.reported.${session.current().userId ?? ''}.${workflowId}`;

export function reportedThisSession(workflowId: string): Set<string> {
  try {
    const stored: unknown = JSON.parse(window.sessionStorage.getItem(reportedKey(workflowId)) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

export function rememberReported(workflowId: string, subjectId: string): void {
  try {
    window.sessionStorage.setItem(reportedKey(workflowId), JSON.stringify([...reportedThisSession(workflowId), subjectId]));
  } catch {
    // storage disabled: the page's own list of subjects it showed keeps it out until a reload
  }
}
