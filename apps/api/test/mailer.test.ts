import { loadConfig } from '../src/config/config';
import { mailSettingsWarnings } from '../src/mail/mailer';

/** What the API warns of as it starts with these settings (in production unless NODE_ENV says otherwise). */
const warnings = (env: Record<string, string>) =>
  mailSettingsWarnings(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'a secret long enough for production', REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/none', ...env }));

describe('the mail settings as the API starts', () => {
  it('are warned of in production: mails go to the log without SMTP_URL, and their links lead to localhost without PUBLIC_URL', () => {
    expect(warnings({})).toEqual([
      'SMTP_URL is not set: mails (email verification, password resets, invitations) go to the log, not to people',
      expect.stringMatching(/^PUBLIC_URL is not set: the links in mails lead to http:\/\/localhost:\d+$/),
    ]);
    expect(warnings({ SMTP_URL: 'smtp://127.0.0.1:2525' })).toEqual([expect.stringContaining('PUBLIC_URL is not set')]);
    expect(warnings({ SMTP_URL: 'smtp://127.0.0.1:2525', PUBLIC_URL: 'https://chorus.example.org' })).toEqual([]);
  });

  it('are not warned of outside production, where the log is where mails are meant to go', () => {
    expect(warnings({ NODE_ENV: 'development' })).toEqual([]);
  });
});
