import { randomUUID } from 'node:crypto';
import { ChorusApiError } from '@chorus/client';
import { ACCOUNT_PASSWORD, newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { acceptedLanguage } from '../src/common/accept-language';

/**
 * Mails in the reader's language: an account keeps the language it signed up in (named, else its browser's
 * Accept-Language, else none: English), shows it, and changes it; every mail to it is worded in it (French, German); an invitation is
 * in the language of the account at its address, else the project's.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const newEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.org`;
/** POST /auth/register as a browser sends it, with its Accept-Language. */
const register = (body: Record<string, unknown>, acceptLanguage?: string) =>
  fetch(`${stack.baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) },
    body: JSON.stringify({ password: ACCOUNT_PASSWORD, displayName: 'Camille', ...body }),
  });
const languageOf = async (email: string) => {
  await until(async () => (await stack.db.query("SELECT 1 FROM users WHERE email = $1 AND kind = 'registered'", [email])).rowCount === 1, `the account of ${email}`, 10_000);
  return (await stack.db.query<{ language: string | null }>('SELECT language FROM users WHERE email = $1', [email])).rows[0]!.language;
};

describe("an account's mails", () => {
  it('are in French for a sign-up in French, named in the body, or by the browser’s Accept-Language without it', async () => {
    const named = newEmail('camille');
    expect((await register({ email: named, language: 'fr' }, 'en')).status).toBe(202);
    const verification = await stack.inbox.take(named);
    expect(verification.subject).toBe('Vérifiez votre adresse électronique pour Chorus');
    expect(verification.text).toMatch(/^Bonjour Camille,\n\nPour confirmer que .* est bien votre adresse, ouvrez ce lien \(valable 7 jours\)\u00a0:/);
    expect(await languageOf(named)).toBe('fr');
    await stack.anonymous.verifyEmail(stack.inbox.linkToken(verification));
    const signedIn = await stack.anonymous.login({ email: named, password: ACCOUNT_PASSWORD });
    expect(await stack.anonymous.withToken(signedIn.token).account()).toMatchObject({ email: named, language: 'fr' });

    const byBrowser = newEmail('dominique');
    expect((await register({ email: byBrowser }, 'it-CH, fr-CA;q=0.8, en;q=0.5')).status).toBe(202);
    expect((await stack.inbox.take(byBrowser)).subject).toBe('Vérifiez votre adresse électronique pour Chorus');
    expect(await languageOf(byBrowser)).toBe('fr');

    const neither = newEmail('giulia');
    await register({ email: neither }, 'it');
    expect((await stack.inbox.take(neither)).subject).toBe('Verify your email for Chorus');
    expect(await languageOf(neither)).toBeNull();
  });

  it('are in German for a sign-up in German, named in the body or by an Austrian browser, and after a change to German', async () => {
    const named = newEmail('hanna');
    expect((await register({ email: named, language: 'de' }, 'en')).status).toBe(202);
    const verification = await stack.inbox.take(named);
    expect(verification.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Chorus');
    expect(verification.text).toMatch(/^Guten Tag Camille,\n\num zu bestätigen, dass .* Ihre Adresse ist, öffnen Sie bitte diesen Link \(er ist 7 Tage gültig\):/);
    expect(await languageOf(named)).toBe('de');

    const byBrowser = newEmail('lukas');
    expect((await register({ email: byBrowser }, 'de-AT, en;q=0.5')).status).toBe(202);
    expect((await stack.inbox.take(byBrowser)).subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse für Chorus');
    expect(await languageOf(byBrowser)).toBe('de');

    const ada = await newAccount(stack, 'Ada');
    expect(await ada.client.changeAccount({ language: 'de' })).toMatchObject({ displayName: 'Ada', language: 'de' });
    expect(await ada.client.account()).toMatchObject({ language: 'de' });
    await ada.client.createApiKey({ name: 'nightly', scope: 'read' });
    const notice = await stack.inbox.take(ada.email);
    expect(notice.subject).toBe('Für Ihr Chorus-Konto wurde ein neuer API-Schlüssel erstellt');
    expect(notice.text).toMatch(/^Guten Tag Ada,\n\njemand, der bei Ihrem Chorus-Konto angemeldet ist, hat am \d{1,2}\. [A-Z][a-zä]+ \d{4} um \d{2}:\d{2} UTC einen API-Schlüssel erstellt:\n„nightly“ \(der Schlüssel beginnt mit chorus_\w+…\), mit dem Geltungsbereich „read“ \(nur lesen\): nur GET- und HEAD-Anfragen/);
  });

  it('follow a change of the account’s language, from its next mail on', async () => {
    const ada = await newAccount(stack, 'Ada');
    expect((await ada.client.account()).language).toBeNull();
    const changed = await ada.client.changeAccount({ language: 'fr' });
    expect(changed).toMatchObject({ displayName: 'Ada', language: 'fr' });

    await ada.client.createApiKey({ name: 'nightly', scope: 'read' });
    const notice = await stack.inbox.take(ada.email);
    expect(notice.subject).toBe('Une nouvelle clé d’API a été créée pour votre compte Chorus');
    expect(notice.text).toMatch(/^Bonjour Ada,\n\nQuelqu’un de connecté à votre compte Chorus a créé une clé d’API le .* UTC\u00a0:\n«\u00a0nightly\u00a0» \(son secret commence par chorus_\w+…\), de portée «\u00a0read\u00a0» \(lecture seule\)\u00a0: seulement les requêtes GET et HEAD/);

    expect(await ada.client.changeAccount({ language: 'en', displayName: 'Ada L.' })).toMatchObject({ displayName: 'Ada L.', language: 'en' });
    await ada.client.createApiKey({ name: 'weekly', scope: 'read' });
    expect((await stack.inbox.take(ada.email)).subject).toBe('A new API key was made for your Chorus account');
  });

  it('refuses a language Chorus does not mail in, naming /language, and changes nothing', async () => {
    const email = newEmail('giulia');
    const refused = await register({ email, language: 'it' });
    const problem = (await refused.json()) as { errors: unknown };
    expect([refused.status, refused.headers.get('content-type'), problem.errors]).toEqual([
      422,
      expect.stringMatching(/^application\/problem\+json/),
      [{ pointer: '/language', message: 'must be one of the languages Chorus mails in: en, fr, de' }],
    ]);

    const ada = await newAccount(stack, 'Ada');
    const change = await ada.client.changeAccount({ language: 'it' as 'fr' }).then(() => undefined, (error: ChorusApiError) => error);
    expect([change?.status, change?.problem.errors?.[0]?.pointer]).toEqual([422, '/language']);
    expect((await ada.client.account()).language).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a sign-up refused makes no account, after the answer either
    expect((await stack.db.query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount).toBe(0);
  });
});

describe('an invitation', () => {
  it('is in the language of the account at its address, else in the project’s when Chorus speaks it, else in English', async () => {
    const owner = await newAccount(stack, 'Claire');
    const french = await owner.client.createProject({ title: `Lettres ${randomUUID().slice(0, 8)}`, language: 'fr-CA' });
    const stranger = newEmail('inconnu');
    await owner.client.invite(french.id, { email: stranger, role: 'collaborator' });
    const invitation = await stack.inbox.take(stranger);
    expect(invitation.subject).toBe(`Invitation à rejoindre «\u00a0${french.title}\u00a0» sur Chorus`);
    expect(invitation.text).toContain(`Claire vous invite à rejoindre le projet «\u00a0${french.title}\u00a0» sur Chorus, en tant que collaborateur.`);

    const english = await newAccount(stack, 'Ada');
    await english.client.changeAccount({ language: 'en' });
    await owner.client.invite(french.id, { email: english.email, role: 'scientist' });
    expect((await stack.inbox.take(english.email)).subject).toBe(`You are invited to join "${french.title}" on Chorus`);

    const arabic = await owner.client.createProject({ title: `Rasa'il ${randomUUID().slice(0, 8)}`, language: 'ar' });
    const other = newEmail('other');
    await owner.client.invite(arabic.id, { email: other, role: 'moderator' });
    expect((await stack.inbox.take(other)).text).toContain(`Claire invited you to join the project "${arabic.title}" on Chorus, as a moderator.`);
  });
});

describe('the language of an Accept-Language header', () => {
  it('is the one wanted most that Chorus speaks, by its base, in the order of q', () => {
    expect(acceptedLanguage('en;q=0.5, fr-BE')).toBe('fr');
    expect(acceptedLanguage('FR;q=0.9,EN')).toBe('en');
    expect(acceptedLanguage('fr;q=0, it, *')).toBeUndefined();
    expect(acceptedLanguage('de-AT, en;q=0.5')).toBe('de');
    expect(acceptedLanguage('fr;Q=0, en;q=0.1')).toBe('en');
    expect(acceptedLanguage(undefined)).toBeUndefined();
  });
});
