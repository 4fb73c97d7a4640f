import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, unverifiedAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { until } from '../../../test/support/waiting';
import { MailOutbox } from '../src/mail/mail-outbox';
import { Mailer } from '../src/mail/mailer';
import { refusal } from '../../../test/support/requests';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { MAILS_PER_ADDRESS_PER_DAY: '24' } });
});
afterAll(() => stack.stop());

const newEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.org`;
const mailsTo = (email: string) => stack.inbox.mails.filter((mail) => mail.to === email);
/** Lets the account be mailed a link again at once, as a minute later. */
const aMinuteLater = (id: string) => stack.db.query("UPDATE users SET link_mailed_at = now() - interval '61 seconds' WHERE id = $1", [id]);
/** What waits in the outbox for the address: attempts made, and whether a process is at it. */
const outboxOf = async (email: string) =>
  (await stack.db.query('SELECT attempts, coalesce(claimed_until > now(), false) AS claimed FROM mail_outbox WHERE "to" = $1', [email])).rows as { attempts: number; claimed: boolean }[];
/** An answer's rate-limit headers, and its Retry-After. */
const limitOf = (answer: Response) => ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'].map((name) => answer.headers.get(name));
/** POST /account/email as a script sends it, for the answer's headers. */
const askEmailChange = (token: string, email: string) =>
  fetch(`${stack.baseUrl}/api/v1/account/email`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ email, password: ACCOUNT_PASSWORD }) });
/** Waits long enough for a mail on its way to have arrived (the API mails in the background). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("an account's email", () => {
  it('is verified by the link mailed at sign-up, which works on any device, again and again, and for nothing else', async () => {
    const ada = await newAccount(stack, 'Ada', { verified: false });
    expect(await ada.client.account()).toMatchObject({ email: ada.email, emailVerified: false });
    const mail = await stack.inbox.take(ada.email);
    expect(mail.subject).toBe('Verify your email for Chorus');
    expect(mail.text).toContain(`${stack.config.publicUrl}/verify-email#token=`);

    const token = stack.inbox.linkToken(mail);
    expect(await stack.anonymous.verifyEmail(token)).toEqual({ email: ada.email });
    expect(await ada.client.account()).toMatchObject({ emailVerified: true });
    expect(await stack.anonymous.verifyEmail(token)).toEqual({ email: ada.email });

    // A link's token is no bearer token, and a bearer token is no link.
    await refusal(stack.anonymous.withToken(token).account(), { status: 401 });
    for (const bad of [ada.token, `${token.slice(0, -2)}xx`, 'not a token', 'x'.repeat(5000)]) {
      const refused = await refusal(stack.anonymous.verifyEmail(bad));
      expect([refused?.status, refused?.problem.errors?.[0]?.pointer]).toEqual([422, '/token']);
    }
  });

  it('is said verified or not in every session the API answers, so the classifier knows without asking', async () => {
    const email = newEmail('ada');
    const unverified = await unverifiedAccount(stack, email, 'Ada');
    expect(unverified.user).toMatchObject({ email, emailVerified: false });
    expect((await stack.anonymous.guest()).user.emailVerified).toBe(false);

    await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.takeVerification(email)));
    expect((await stack.anonymous.login({ email, password: ACCOUNT_PASSWORD })).user.emailVerified).toBe(true);
    const client = stack.anonymous.withToken(unverified.token);
    expect(await client.renameAccount('Ada L.')).toMatchObject({ emailVerified: true });
    const changed = await client.changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: `${ACCOUNT_PASSWORD} too` });
    expect(changed.user).toMatchObject({ email, emailVerified: true });
  });

  it('is mailed its link again on request, one a minute, never once verified, and never for a guest', async () => {
    const ada = await newAccount(stack, 'Ada', { verified: false });
    await stack.inbox.takeVerification(ada.email);
    const tooSoon = await refusal(ada.client.sendEmailVerification());
    expect([tooSoon?.status, tooSoon?.problem.type]).toEqual([429, 'urn:chorus:problem:too-many-requests']);

    await aMinuteLater(ada.id);
    // One a minute, as the answers' rate-limit headers say, mailed or refused.
    const ask = () => fetch(`${stack.baseUrl}/api/v1/account/email-verification`, { method: 'POST', headers: { authorization: `Bearer ${ada.client.token}` } });
    const mailed = await ask();
    expect([mailed.status, ...limitOf(mailed)]).toEqual([202, '1', '0', '60', null]);
    const refused = await ask();
    expect([refused.status, ...limitOf(refused)]).toEqual([429, '1', '0', expect.stringMatching(/^(59|60)$/), refused.headers.get('ratelimit-reset')]);
    const again = await stack.inbox.takeVerification(ada.email);
    await stack.anonymous.verifyEmail(stack.inbox.linkToken(again));
    await aMinuteLater(ada.id);
    const verified = await refusal(ada.client.sendEmailVerification());
    expect([verified.status, verified.problem.type]).toEqual([409, 'urn:chorus:problem:email-already-verified']);

    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await refusal(guest.sendEmailVerification(), { status: 403 });
  });

  it('changes only through a link mailed to the new address (the old one told), with the password; the old links stop working', async () => {
    const ada = await newAccount(stack, 'Ada', { verified: false });
    const firstLink = stack.inbox.linkToken(await stack.inbox.takeVerification(ada.email));
    const taken = await newAccount(stack, 'Bob');
    const wrong = await refusal(ada.client.changeEmail({ email: newEmail('ada'), password: 'not my password' }));
    expect([wrong.status, wrong.problem.errors?.[0]?.pointer]).toEqual([422, '/password']);
    const same = await refusal(ada.client.changeEmail({ email: ada.email.toUpperCase(), password: ACCOUNT_PASSWORD }));
    expect([same.status, same.problem.errors?.[0]?.pointer]).toEqual([422, '/email']);
    // Another account's email: answered as any change (its rate-limit headers too), the caller's mail the same; its
    // owner is told, and no link made.
    await aMinuteLater(ada.id);
    const toTaken = await askEmailChange(ada.token, taken.email);
    expect([toTaken.status, ...limitOf(toTaken)]).toEqual([202, '1', '0', '60', null]);
    expect((await stack.inbox.take(ada.email, /may change its email/)).text).toContain(taken.email);
    expect((await stack.inbox.take(taken.email, /tried to move a Chorus account to your email/)).text).toContain('Nothing was changed');
    expect(stack.inbox.mails.filter((mail) => mail.to === taken.email && /new email/.test(mail.subject))).toEqual([]);

    await aMinuteLater(ada.id);
    const next = newEmail('ada-new');
    await ada.client.changeEmail({ email: next, password: ACCOUNT_PASSWORD });
    const notice = await stack.inbox.take(ada.email, /may change its email/);
    expect(notice.text).toContain(next);
    const link = stack.inbox.linkToken(await stack.inbox.take(next, /new email/));
    // Nothing changes before the link is opened.
    expect(await ada.client.account()).toMatchObject({ email: ada.email, emailVerified: false });

    expect(await stack.anonymous.verifyEmail(link)).toEqual({ email: next });
    expect(await ada.client.account()).toMatchObject({ email: next, emailVerified: true });
    await stack.anonymous.login({ email: next, password: ACCOUNT_PASSWORD });
    await refusal(stack.anonymous.login({ email: ada.email, password: ACCOUNT_PASSWORD }), { status: 401 });
    expect(await stack.anonymous.verifyEmail(link)).toEqual({ email: next });
    // The sign-up link was for the old address.
    const old = await refusal(stack.anonymous.verifyEmail(firstLink));
    expect([old.status, old.problem.errors?.[0]?.pointer]).toEqual([422, '/token']);
  });

  it('changes only to the address last asked for, and not once the password changed or the account signed out everywhere', async () => {
    const ada = await newAccount(stack, 'Ada');
    const ask = async (email: string) => {
      await aMinuteLater(ada.id);
      // One link a minute, as the answer's rate-limit headers say, mailed or refused.
      const asked = await askEmailChange(ada.token, email);
      expect([asked.status, ...limitOf(asked)]).toEqual([202, '1', '0', '60', null]);
      return stack.inbox.linkToken(await stack.inbox.take(email, /new email/));
    };
    const refused = async (link: string) => (await refusal(stack.anonymous.verifyEmail(link))).problem.errors?.[0]?.pointer;

    const [first, second] = [newEmail('first'), newEmail('second')];
    const firstLink = await ask(first);
    const secondLink = await ask(second);
    expect(await refused(firstLink)).toBe('/token'); // superseded
    // Asked again within the minute: told to wait, and the change waiting is still the second.
    const tooSoon = await askEmailChange(ada.token, newEmail('third'));
    expect([tooSoon.status, ((await tooSoon.json()) as { type: string }).type]).toEqual([429, 'urn:chorus:problem:too-many-requests']);
    expect(limitOf(tooSoon)).toEqual(['1', '0', expect.stringMatching(/^(59|60)$/), tooSoon.headers.get('ratelimit-reset')]);
    expect(await stack.anonymous.verifyEmail(secondLink)).toEqual({ email: second });

    // Changed back, the first change's link does not change it again.
    const backLink = await ask(ada.email);
    expect(await stack.anonymous.verifyEmail(backLink)).toEqual({ email: ada.email });
    expect(await refused(secondLink)).toBe('/token');
    expect(await ada.client.account()).toMatchObject({ email: ada.email });

    // Someone who knew the password asked for a change; the owner changes the password, or signs out everywhere.
    const stolen = await ask(newEmail('thief'));
    const session = await ada.client.changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: 'a new long password' });
    expect(await refused(stolen)).toBe('/token');
    const owner = stack.anonymous.withToken(session.token);
    await aMinuteLater(ada.id);
    const thief = newEmail('thief');
    await owner.changeEmail({ email: thief, password: 'a new long password' });
    const stolenAgain = stack.inbox.linkToken(await stack.inbox.take(thief, /new email/));
    await owner.signOutEverywhere();
    expect(await refused(stolenAgain)).toBe('/token');
    expect((await stack.db.query('SELECT email FROM users WHERE id = $1', [ada.id])).rows).toEqual([{ email: ada.email }]);
  });

  it('reaches one address at most MAILS_PER_ADDRESS_PER_DAY times a day with what others chose to send it, which leaves its own mails alone', async () => {
    const project = await stack.client.createProject({ title: `Flood ${randomUUID().slice(0, 8)}` });
    const target = await newAccount(stack, 'Target');
    for (let round = 0; round < 26; round += 1) {
      await stack.client.invite(project.id, { email: target.email, role: 'scientist' });
      await stack.client.withdrawInvitation(project.id, target.email);
    }
    await until(async () => mailsTo(target.email).length >= 25, '24 invitations mailed (after the verification)');
    await settle();
    expect(mailsTo(target.email).filter((mail) => /invited/.test(mail.subject))).toHaveLength(24);
    // The invitations did not use up what the account's own mails need.
    await aMinuteLater(target.id);
    await stack.anonymous.requestPasswordReset(target.email);
    await stack.inbox.take(target.email, /new password/);
  });

  it("sends an account's own mails to its address at most a quarter of MAILS_PER_ADDRESS_PER_DAY an hour, whoever asks", async () => {
    const target = await newAccount(stack, 'Target'); // its verification: the first of six this hour
    for (let request = 0; request < 7; request += 1) {
      await aMinuteLater(target.id);
      await stack.anonymous.requestPasswordReset(target.email);
      await until(async () => (await stack.db.query('SELECT link_mailed_at > now() - interval \'1 minute\' AS fresh FROM users WHERE id = $1', [target.id])).rows[0].fresh, 'the link to be made');
    }
    await until(async () => mailsTo(target.email).length >= 6, 'six mails');
    await settle();
    expect(mailsTo(target.email).filter((mail) => /new password/.test(mail.subject))).toHaveLength(5);
  });

  it("does not take, with an unverified account's deletion, the invitations meant for the address's owner", async () => {
    const project = await stack.client.createProject({ title: `Meant for someone ${randomUUID().slice(0, 8)}` });
    const impostor = await newAccount(stack, 'Impostor', { verified: false });
    await stack.client.invite(project.id, { email: impostor.email, role: 'scientist' });
    await impostor.client.deleteAccount(ACCOUNT_PASSWORD);
    expect((await stack.client.invitations(project.id)).invitations.map((invitation) => invitation.email)).toEqual([impostor.email]);
  });

  it('does not change to an address someone registered after the link was mailed', async () => {
    const ada = await newAccount(stack, 'Ada');
    await aMinuteLater(ada.id);
    const next = newEmail('contested');
    await ada.client.changeEmail({ email: next, password: ACCOUNT_PASSWORD });
    const link = stack.inbox.linkToken(await stack.inbox.take(next, /new email/));
    await stack.anonymous.register({ email: next, password: ACCOUNT_PASSWORD, displayName: 'First' });
    await stack.inbox.takeVerification(next); // the account is made after the answer, and then mailed
    const refused = await refusal(stack.anonymous.verifyEmail(link));
    expect([refused?.status, refused?.problem.type]).toEqual([409, 'urn:chorus:problem:email-taken']);
    expect(await ada.client.account()).toMatchObject({ email: ada.email });
  });
});

describe('a changed password', () => {
  const toldOf = (email: string) => mailsTo(email).filter((mail) => /password of your Chorus account was changed/.test(mail.subject));

  it("is told to the account's verified email once per change, with how to set it again if that was not its owner", async () => {
    const ada = await newAccount(stack, 'Ada');
    await ada.client.changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: 'a new long password' });
    const told = await stack.inbox.take(ada.email, /password of your Chorus account was changed/);
    expect(told.subject).toBe('The password of your Chorus account was changed');
    for (const said of ['changed by someone signed in to it', "If this wasn't you", `${stack.config.publicUrl}/forgot-password`, 'API keys are not revoked', `${stack.config.publicUrl}/account#api-keys`]) {
      expect({ said, found: told.text.includes(said) }).toEqual({ said, found: true });
    }
    expect(told.text).not.toContain('a new long password');
    // A change refused (the current password is no longer the one given) changes nothing, and tells of nothing.
    const again = await refusal(stack.anonymous.withToken((await stack.anonymous.login({ email: ada.email, password: 'a new long password' })).token).changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: 'a third password' }));
    expect(again?.problem.type).toBe('urn:chorus:problem:wrong-password');
    await settle();
    expect(toldOf(ada.email)).toHaveLength(1);
  });

  it('is told to no email the account has not verified', async () => {
    const ada = await newAccount(stack, 'Ada', { verified: false });
    await ada.client.changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: 'a new long password' });
    await settle();
    expect(toldOf(ada.email)).toEqual([]);
  });
});

describe('a forgotten password', () => {
  it('is reset through a link mailed to the account, once, ending every token; the answer never says whether the email has an account', async () => {
    const ada = await newAccount(stack, 'Ada', { verified: false });
    const verificationLink = stack.inbox.linkToken(await stack.inbox.takeVerification(ada.email));
    await aMinuteLater(ada.id);
    const nobody = newEmail('nobody');
    const malformed = await refusal(stack.anonymous.requestPasswordReset('not an email'));
    expect([malformed.status, malformed.problem.errors?.[0]?.pointer]).toEqual([422, '/email']);
    await stack.anonymous.requestPasswordReset(nobody);
    await stack.anonymous.requestPasswordReset(` ${ada.email.toUpperCase()} `);
    // Asked again within the minute: the same answer, no second mail.
    await stack.anonymous.requestPasswordReset(ada.email);
    const mail = await stack.inbox.take(ada.email, /new password/);
    expect(mail.text).toContain(`${stack.config.publicUrl}/reset-password#token=`);
    await settle();
    expect(mailsTo(ada.email).filter((received) => /new password/.test(received.subject))).toHaveLength(1);
    expect(mailsTo(nobody)).toEqual([]);

    const token = stack.inbox.linkToken(mail);
    const short = await refusal(stack.anonymous.resetPassword({ token, newPassword: 'short' }));
    expect(short.problem.errors?.[0]?.pointer).toBe('/newPassword');
    const session = await stack.anonymous.resetPassword({ token, newPassword: 'a brand new password' });
    expect(session.user).toEqual({ id: ada.id, kind: 'registered', displayName: 'Ada', email: ada.email, emailVerified: true });
    // Opening the link proved the mailbox is the account's owner's.
    expect(await stack.anonymous.withToken(session.token).account()).toMatchObject({ emailVerified: true });
    await refusal(ada.client.account(), { status: 401 });
    await refusal(stack.anonymous.login({ email: ada.email, password: ACCOUNT_PASSWORD }), { status: 401 });
    await stack.anonymous.login({ email: ada.email, password: 'a brand new password' });

    // The owner is told, with the way to set it again if it was not them.
    const told = await stack.inbox.take(ada.email, /password of your Chorus account was changed/);
    expect(told.text).toContain('set again with a password-reset link');
    expect(told.text).toContain(`If this wasn't you, ask for a link to set a new password`);
    expect(told.text).toContain(`${stack.config.publicUrl}/forgot-password`);

    const twice = await refusal(stack.anonymous.resetPassword({ token, newPassword: 'yet another password' }));
    expect([twice.status, twice.problem.errors?.[0]?.pointer]).toEqual([422, '/token']);
    await settle();
    expect(mailsTo(ada.email).filter((received) => /password of your Chorus account was changed/.test(received.subject))).toHaveLength(1);
    // A verification link sets no password.
    const verification = await refusal(stack.anonymous.resetPassword({ token: verificationLink, newPassword: 'yet another password' }));
    expect([verification.status, verification.problem.errors?.[0]?.pointer]).toEqual([422, '/token']);
  });

  it('is mailed again after a mail server puts the link off for a moment, kept in Postgres meanwhile', async () => {
    const ada = await newAccount(stack, 'Ada');
    await aMinuteLater(ada.id);
    stack.inbox.putOffNext(1);
    const before = stack.inbox.putOff;
    await stack.anonymous.requestPasswordReset(ada.email);
    // Put off, it waits a second in the outbox, claimed by no process, for the next attempt.
    await until(async () => JSON.stringify(await outboxOf(ada.email)) === JSON.stringify([{ attempts: 1, claimed: false }]), 'the mail kept for another attempt');
    await stack.inbox.take(ada.email, /new password/);
    expect(stack.inbox.putOff).toBe(before + 1);
    await until(async () => (await outboxOf(ada.email)).length === 0, 'the sent mail forgotten');
  });

  it('is mailed by the API process running now when the one that was sending it ended mid-attempt', async () => {
    const email = newEmail('orphan');
    // As a process leaves a mail it claimed and never finished: the claim lapsed a moment ago.
    await stack.db.query(
      `INSERT INTO mail_outbox (kind, "to", subject, text, attempts, claimed_until) VALUES ('account', $1, 'Left behind', 'A link', 1, now() - interval '1 second')`,
      [email],
    );
    expect((await stack.inbox.take(email, /Left behind/)).text).toBe('A link\n');
    await until(async () => (await outboxOf(email)).length === 0, 'the sent mail forgotten');
  });

  it('is kept for the next process when asked for as this one ends, and sent by it', async () => {
    const email = newEmail('late');
    const ending = new Mailer(stack.config, stack.app.get(MailOutbox)); // another API process, ending
    const sentThere = jest.spyOn((ending as unknown as { transport: { sendMail: () => Promise<unknown> } }).transport, 'sendMail');
    await ending.beforeApplicationShutdown();
    ending.send({ kind: 'account', to: email, subject: 'Asked for as a process ends', text: 'A link' });
    await ending.beforeApplicationShutdown(); // waits for the mail to be kept
    ending.onApplicationShutdown();
    expect(sentThere).not.toHaveBeenCalled();
    // The running process sends it.
    expect((await stack.inbox.take(email, /as a process ends/)).text).toBe('A link\n');
    await until(async () => (await outboxOf(email)).length === 0, 'the sent mail forgotten');
  });

  it('is claimed only once a connection is free, at most five at once, over connections it keeps open', async () => {
    const emails = Array.from({ length: 12 }, (_, n) => newEmail(`burst-${n}`));
    const claimedNow = async () =>
      (await stack.db.query('SELECT count(*)::int AS n FROM mail_outbox WHERE "to" = ANY($1) AND claimed_until > now()', [emails])).rows[0].n as number;
    let mostClaimed = 0;
    stack.inbox.mostAtOnce = 0;
    const connectionsBefore = stack.inbox.connections;
    stack.inbox.answerAfter(300);
    try {
      for (const to of emails) stack.app.get(Mailer).send({ kind: 'account', to, subject: 'Burst', text: 'A link' });
      await until(async () => {
        mostClaimed = Math.max(mostClaimed, await claimedNow());
        return emails.every((to) => mailsTo(to).length > 0);
      }, 'every mail of the burst');
    } finally {
      stack.inbox.answerAfter(0);
    }
    // Several at once, never more than the five connections (all twelve were claimed at once before).
    for (const most of [mostClaimed, stack.inbox.mostAtOnce]) {
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(5);
    }
    // Through a pool: without one, each of the twelve mails opened a connection of its own.
    expect(stack.inbox.connections - connectionsBefore).toBeLessThanOrEqual(5);
    await settle();
    expect(emails.flatMap((to) => mailsTo(to))).toHaveLength(12);
  });

  it('is forgotten once Postgres is back when it could not be right after it was sent, not sent again', async () => {
    const email = newEmail('unforgotten');
    const outbox = stack.app.get(MailOutbox);
    const forget = jest.spyOn(outbox, 'forget').mockRejectedValueOnce(new Error('Postgres is away'));
    try {
      stack.app.get(Mailer).send({ kind: 'account', to: email, subject: 'Sent while Postgres was away', text: 'A link' });
      await stack.inbox.take(email, /Postgres was away/);
      await until(async () => forget.mock.calls.length >= 2, 'the row deleted again');
    } finally {
      forget.mockRestore();
    }
    // Long before its claim would lapse and let another attempt send it again.
    await until(async () => (await outboxOf(email)).length === 0, 'the sent mail forgotten', 5_000);
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('is made after the answer even as the process ends, and kept for the next process', async () => {
    const email = newEmail('after-answer');
    const ending = new Mailer(stack.config, stack.app.get(MailOutbox)); // another API process, about to end
    ending.sendAfterAnswer(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300)); // making the link takes a moment
      return { kind: 'account', to: email, subject: 'Made after the answer', text: 'A link' };
    });
    await ending.beforeApplicationShutdown();
    ending.onApplicationShutdown();
    // Kept before the process ended (and perhaps already sent by the running one).
    expect((await outboxOf(email)).length + mailsTo(email).length).toBeGreaterThan(0);
    await stack.inbox.take(email, /after the answer/);
  });

  it('is left to the attempt that holds it: one that ends after its claim was taken over changes nothing', async () => {
    const outbox = stack.app.get(MailOutbox);
    const email = newEmail('slow');
    // An attempt under way (claimed, so no process's look for mails due takes it)…
    const {
      rows: [kept],
    } = await stack.db.query(
      `INSERT INTO mail_outbox (kind, "to", subject, text, attempts, claimed_until, claim)
       VALUES ('account', $1, 'Slow', 'A link', 1, now() + interval '2 minutes', gen_random_uuid()) RETURNING id::text, claim`,
      [email],
    );
    const late = { ...kept, attempts: 1, kind: 'account' as const, to: email, subject: 'Slow', text: 'A link' };
    // …outlived its claim, and another attempt took the mail over.
    const { rows: [{ claim }] } = await stack.db.query(
      "UPDATE mail_outbox SET claim = gen_random_uuid(), claimed_until = now() + interval '2 minutes' WHERE id = $1 RETURNING claim",
      [late.id],
    );
    await outbox.putOff(late, 3_600_000);
    await outbox.forget(late);
    const { rows } = await stack.db.query('SELECT claim, claimed_until > now() AS claimed, next_attempt_at <= now() AS due FROM mail_outbox WHERE id = $1', [late.id]);
    expect(rows).toEqual([{ claim, claimed: true, due: true }]);
    await stack.db.query('DELETE FROM mail_outbox WHERE id = $1', [late.id]);
  });

  it('is given up on once the mail server has put it off for the last time', async () => {
    const email = newEmail('unlucky');
    await stack.db.query(`INSERT INTO mail_outbox (kind, "to", subject, text, attempts) VALUES ('account', $1, 'Never arrives', 'A link', 6)`, [email]);
    stack.inbox.putOffNext(1);
    const before = stack.inbox.putOff;
    await until(async () => stack.inbox.putOff === before + 1, 'the last attempt');
    await until(async () => (await outboxOf(email)).length === 0, 'the mail given up on');
    await settle();
    expect(mailsTo(email)).toEqual([]);
  });

  it('is logged, put off or given up on, by its id and a masked address, never the address', async () => {
    const logger = (stack.app.get(Mailer) as unknown as { logger: Logger }).logger;
    const said = [jest.spyOn(logger, 'warn'), jest.spyOn(logger, 'error'), jest.spyOn(logger, 'log')];
    const kept = async (email: string, attempts: number): Promise<string> =>
      (await stack.db.query(`INSERT INTO mail_outbox (kind, "to", subject, text, attempts) VALUES ('account', $1, 'Logged', 'A link', $2) RETURNING id::text`, [email, attempts])).rows[0].id;
    try {
      const [late, unlucky] = [newEmail('late'), newEmail('unlucky')];
      stack.inbox.putOffNext(1);
      const lateId = await kept(late, 0);
      await stack.inbox.take(late, /Logged/);
      stack.inbox.putOffNext(1);
      const unluckyId = await kept(unlucky, 6);
      await until(async () => (await outboxOf(unlucky)).length === 0, 'the mail given up on');
      const lines = said.flatMap((spy) => spy.mock.calls.map(([message]) => String(message))).filter((line) => line.includes('"Logged"'));
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^mail ${lateId} \\("Logged" to l\\*\\*\\*@example\\.org\\) put off \\(.*\\); trying again in 1 s$`)),
        expect.stringMatching(new RegExp(`^could not send mail ${unluckyId} \\("Logged" to u\\*\\*\\*@example\\.org\\), attempt 7: `)),
      ]);
    } finally {
      for (const spy of said) spy.mockRestore();
    }
  });

  it('is not reset by a link mailed before the account changed its email, even once it is changed back', async () => {
    const ada = await newAccount(stack, 'Ada');
    await aMinuteLater(ada.id);
    await stack.anonymous.requestPasswordReset(ada.email);
    const token = stack.inbox.linkToken(await stack.inbox.take(ada.email, /new password/));
    const changeTo = async (email: string) => {
      await aMinuteLater(ada.id);
      await ada.client.changeEmail({ email, password: ACCOUNT_PASSWORD });
      await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.take(email, /new email/)));
    };
    await changeTo(newEmail('elsewhere'));
    await changeTo(ada.email);
    const refused = await refusal(stack.anonymous.resetPassword({ token, newPassword: 'a brand new password' }));
    expect([refused?.status, refused?.problem.errors?.[0]?.pointer]).toEqual([422, '/token']);
    await stack.anonymous.login({ email: ada.email, password: ACCOUNT_PASSWORD });

    // A link mailed after the changes works.
    await aMinuteLater(ada.id);
    await stack.anonymous.requestPasswordReset(ada.email);
    const fresh = stack.inbox.linkToken(await stack.inbox.take(ada.email, /new password/));
    await stack.anonymous.resetPassword({ token: fresh, newPassword: 'a brand new password' });
  });

  it('is not reset by a link mailed before the account changed its password', async () => {
    const ada = await newAccount(stack, 'Ada');
    await aMinuteLater(ada.id);
    await stack.anonymous.requestPasswordReset(ada.email);
    const token = stack.inbox.linkToken(await stack.inbox.take(ada.email, /new password/));
    await ada.client.changePassword({ currentPassword: ACCOUNT_PASSWORD, newPassword: 'changed meanwhile' });
    await refusal(stack.anonymous.resetPassword({ token, newPassword: 'a brand new password' }), { status: 422 });
    await stack.anonymous.login({ email: ada.email, password: 'changed meanwhile' });
  });
});
