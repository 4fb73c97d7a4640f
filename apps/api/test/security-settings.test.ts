import { loadConfig, securityWarnings } from '../src/config/config';

const warnings = (env: Record<string, string>) => securityWarnings(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/none', ...env }));

describe('the security settings as the API starts', () => {
  it('warn that tokens can be forged when the development secret signs them on an address others can reach', () => {
    expect(warnings({})).toEqual([expect.stringMatching(/^AUTH_SECRET is not set while the API listens on 0\.0\.0\.0: anyone who can reach it can sign tokens as any account/)]);
    expect(warnings({ HOST: '192.0.2.10' })).toHaveLength(1);
  });

  it('say nothing with a secret of its own, or on an address only this machine reaches', () => {
    expect(warnings({ AUTH_SECRET: 'a secret of this installation alone' })).toEqual([]);
    for (const host of ['127.0.0.1', '::1', 'localhost']) expect(warnings({ HOST: host })).toEqual([]);
  });
});
