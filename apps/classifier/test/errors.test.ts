import { ChorusApiError } from '@chorus/client';
import { describeError, retryDelaySeconds } from '../src/lib/errors';

/**
 * What a volunteer is told when a request fails, and whether the page asks again by itself: a server that answers
 * nothing at all (a refused connection, the API restarting) while the browser has a network is waited for as a busy
 * one is, and not blamed on the volunteer's connection; offline, the browser's `online` event says when to try again.
 */

// The catalogue itself, read by a plain i18next (the app's module finds its catalogues through Vite).
jest.mock('../src/i18n', () => {
  const i18next = jest.requireActual<typeof import('i18next')>('i18next');
  const i18n = i18next.createInstance();
  void i18n.init({ resources: { en: { translation: jest.requireActual('../src/i18n/en.json') } }, lng: 'en', initAsync: false, interpolation: { escapeValue: false } });
  return { i18n };
});

const refused = () => new TypeError('Failed to fetch');
const status = (code: number, retryAfterSeconds?: number) => new ChorusApiError(code, { type: 'about:blank', title: 'Error', status: code, detail: '' }, retryAfterSeconds);

function withBrowserOnline(onLine: boolean, check: () => void) {
  const real = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', { value: { onLine }, configurable: true });
  try {
    check();
  } finally {
    if (real) Object.defineProperty(globalThis, 'navigator', real);
    else Reflect.deleteProperty(globalThis, 'navigator');
  }
}

describe('a failed request, online', () => {
  it('asks again by itself when the server does not answer at all, waiting longer each time, as for a 502–504', () => {
    withBrowserOnline(true, () => {
      for (const [before, least] of [
        [0, 5],
        [1, 10],
        [2, 20],
        [3, 40],
        [4, 60],
        [9, 60],
      ] as const) {
        const wait = retryDelaySeconds(refused(), before)!;
        expect(wait).toBeGreaterThanOrEqual(least);
        expect(wait).toBeLessThanOrEqual(Math.min(Math.ceil(least * 1.2), 60));
        expect(retryDelaySeconds(status(503), before)).toBeGreaterThanOrEqual(least);
      }
    });
  });

  it('says the server is not answering, not that the volunteer should check their connection', () => {
    withBrowserOnline(true, () => {
      expect(describeError(refused()).detail).toBe('Chorus’s server is not answering just now.');
    });
  });

  it('still waits for the volunteer after a failure that will not pass by itself', () => {
    withBrowserOnline(true, () => {
      expect(retryDelaySeconds(status(500), 0)).toBeUndefined();
      expect(retryDelaySeconds(status(404), 0)).toBeUndefined();
      expect(retryDelaySeconds(new SyntaxError('Unexpected token <'), 0)).toBeUndefined();
    });
  });

  it('waits as long as a busy server asks', () => {
    withBrowserOnline(true, () => {
      const wait = retryDelaySeconds(status(503, 30), 0)!;
      expect(wait).toBeGreaterThanOrEqual(30);
      expect(wait).toBeLessThanOrEqual(36);
    });
  });
});

describe('a failed request, offline', () => {
  it('waits for the connection to come back rather than a timer, and says to check it', () => {
    withBrowserOnline(false, () => {
      expect(retryDelaySeconds(refused(), 0)).toBeUndefined();
      expect(describeError(refused()).detail).toBe('Chorus could not reach its server. Check your connection and try again.');
    });
  });
});
