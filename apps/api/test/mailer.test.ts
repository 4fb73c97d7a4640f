import { Logger } from '@nestjs/common';
import { loadConfig } from '../src/config/config';
import { Mailer } from '../src/mail/mailer';
import { testRedis } from '../../../test/support/services';

/** The warnings a Mailer gives as it starts with these settings (in production unless NODE_ENV says otherwise). */
async function startWarnings(env: Record<string, string>): Promise<string[]> {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  try {
    const mailer = new Mailer(
      loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'a secret long enough for production', REDIS_URL: testRedis().url, DATABASE_URL: 'postgres://127.0.0.1/none', ...env }),
    );
    await mailer.onApplicationShutdown();
    return warn.mock.calls.map(([message]) => String(message));
  } finally {
    warn.mockRestore();
  }
}

describe('the mailer as the API starts', () => {
  it('warns in production that mails go to the log without SMTP_URL, and that their links lead to localhost without PUBLIC_URL', async () => {
    expect(await startWarnings({})).toEqual([
      'SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people',
      expect.stringMatching(/^PUBLIC_URL is not set: the links in mails lead to http:\/\/localhost:\d+$/),
    ]);
    expect(await startWarnings({ SMTP_URL: 'smtp://127.0.0.1:2525' })).toEqual([expect.stringContaining('PUBLIC_URL is not set')]);
    expect(await startWarnings({ SMTP_URL: 'smtp://127.0.0.1:2525', PUBLIC_URL: 'https://chorus.example.org' })).toEqual([]);
  });

  it('says nothing of either outside production, where the log is where mails are meant to go', async () => {
    expect(await startWarnings({ NODE_ENV: 'development' })).toEqual([]);
  });
});
