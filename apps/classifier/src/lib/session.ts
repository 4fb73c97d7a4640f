import { ChorusClient } from '@chorus/client';

export const TOKEN_KEY = 'chorus.token';
/** Set to "guest" when the stored token came from `POST /auth/guest`, so that an expired guest token can be renewed. */
export const TOKEN_KIND_KEY = 'chorus.tokenKind';

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
 * The volunteer's session. Every request goes through one `fetch` that adds the current bearer token; a
 * volunteer without a token becomes a guest on first use, and a guest whose token the server no longer
 * accepts (401) gets a new guest token once, transparently.
 */
class VolunteerSession {
  private token: string | null = readStorage(TOKEN_KEY);
  private kind: string | null = readStorage(TOKEN_KIND_KEY);
  private renewing: Promise<string> | null = null;
  /** Talks to the API without a token: only used to start a guest session. */
  private readonly anonymous = new ChorusClient({ baseUrl: '' });

  readonly client = new ChorusClient({ baseUrl: '', fetch: (input, init) => this.fetchWithToken(input, init) });

  /** Resolves once the volunteer has a token, asking the API for a guest session if needed. */
  async ready(): Promise<ChorusClient> {
    if (!this.token) await this.startGuestSession();
    return this.client;
  }

  private startGuestSession(): Promise<string> {
    this.renewing ??= this.anonymous
      .guest()
      .then(({ token }) => {
        this.token = token;
        this.kind = 'guest';
        writeStorage(TOKEN_KEY, token);
        writeStorage(TOKEN_KIND_KEY, 'guest');
        return token;
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
  }

  private async fetchWithToken(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const token = this.token ?? (await this.startGuestSession());
    const response = await fetch(input, withBearer(init, token));
    if (response.status !== 401 || this.kind !== 'guest') return response;
    // A stale guest token (for instance after the server's data was reset): start a new guest session and retry once.
    if (this.token === token) {
      this.token = null;
      writeStorage(TOKEN_KEY, null);
    }
    const renewed = this.token ?? (await this.startGuestSession());
    return fetch(input, withBearer(init, renewed));
  }
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
