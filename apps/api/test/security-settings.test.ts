import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifierWarnings, loadConfig, securityWarnings } from '../src/config/config';

const warnings = (env: Record<string, string>) => securityWarnings(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/none', ...env }));

describe('the security settings as the API starts', () => {
  it('warn that tokens can be forged when the development secret signs them on an address others can reach', () => {
    expect(warnings({})).toEqual([expect.stringMatching(/^AUTH_SECRET is not set while the API listens on 0\.0\.0\.0: anyone who can reach it can sign tokens as any account/)]);
    expect(warnings({ HOST: '192.0.2.10' })).toHaveLength(1);
  });

  it('warn in production that /metrics answers anyone when no METRICS_TOKEN guards it', () => {
    const production = { NODE_ENV: 'production', AUTH_SECRET: 'a secret of this installation alone' };
    expect(warnings(production)).toEqual([expect.stringMatching(/^METRICS_TOKEN is not set while the API listens on 0\.0\.0\.0: \/metrics answers anyone/)]);
    expect(warnings({ ...production, METRICS_TOKEN: 'a token of the scraper alone' })).toEqual([]);
    expect(warnings({ ...production, HOST: '127.0.0.1' })).toEqual([]);
  });

  it('say nothing with a secret of its own, or on an address only this machine reaches', () => {
    expect(warnings({ AUTH_SECRET: 'a secret of this installation alone' })).toEqual([]);
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(warnings({ HOST: host })).toEqual([]);
  });
});

describe("password hashes' cost", () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/none' };

  it("is scrypt's default unless PASSWORD_SCRYPT_N names a power of two from 1024 to 131072", () => {
    expect(loadConfig(env).passwordScryptN).toBe(16_384);
    for (const cost of [1_024, 65_536, 131_072]) expect(loadConfig({ ...env, PASSWORD_SCRYPT_N: String(cost) }).passwordScryptN).toBe(cost);
    for (const wrong of ['1000', '512', '262144', 'many']) {
      expect(() => loadConfig({ ...env, PASSWORD_SCRYPT_N: wrong })).toThrow(/PASSWORD_SCRYPT_N: must be a power of two from 1024 to 131072/);
    }
  });
});

describe('the classifier the API serves at /', () => {
  const env = { REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/none' };

  it('stops the API, naming CLASSIFIER_DIR and the fix, when CLASSIFIER_DIR holds no built classifier', () => {
    expect(() => loadConfig({ ...env, CLASSIFIER_DIR: '/nonexistent/dist' })).toThrow(
      'invalid configuration:\n  CLASSIFIER_DIR: /nonexistent/dist holds no built classifier (no index.html); build it (pnpm build, or pnpm --filter @chorus/classifier build) and point CLASSIFIER_DIR at its dist directory',
    );
  });

  it('is warned of at start when the build is missing where the API looks by default, and not when it is there', () => {
    const built = mkdtempSync(join(tmpdir(), 'classifier-'));
    writeFileSync(join(built, 'index.html'), '<!doctype html>');
    expect(classifierWarnings({ classifierDir: built })).toEqual([]);
    expect(loadConfig({ ...env, CLASSIFIER_DIR: built }).classifierDir).toBe(built);
    expect(classifierWarnings({ classifierDir: '/nonexistent/dist' })).toEqual([
      'no built classifier in /nonexistent/dist (no index.html): / serves no classifier, only the API under /api/v1; build it (pnpm build, or pnpm --filter @chorus/classifier build) and point CLASSIFIER_DIR at its dist directory',
    ]);
  });
});
