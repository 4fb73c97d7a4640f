import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { ChorusApiError } from '@chorus/client';
import { Redis } from 'ioredis';
import { signUp } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;
beforeAll(async () => {
  // At the default cost of password hashes (other suites sign in with a cheaper one).
  stack = await startStack({ worker: false, env: { PASSWORD_SCRYPT_N: '16384' } });
});
afterAll(() => stack.stop());

describe('auth', () => {
  it('signs up an account that signs in once its email is verified, and answers the same user', async () => {
    const email = `ada-${Date.now()}@example.org`;
    const signedUp = await signUp(stack, { email, password: 'a long password', displayName: 'Ada' });
    const loggedIn = await stack.anonymous.login({ email: email.toUpperCase(), password: 'a long password' });
    expect(loggedIn.user).toEqual(signedUp.user);
    expect(signedUp.user).toMatchObject({ kind: 'registered', displayName: 'Ada', email, emailVerified: true });
  });

  it('keeps the display a sign-up names (chosen as a guest), and refuses a bad one naming the field', async () => {
    const email = `dusk-${Date.now()}@example.org`;
    const { token } = await signUp(stack, { email, password: 'a long password', displayName: 'Dusk', display: { theme: 'dark', textSize: 'large' } });
    expect((await stack.anonymous.withToken(token).account()).display).toEqual({ theme: 'dark', textSize: 'large' });
    const refused = await stack.anonymous.register({ email: `x-${email}`, password: 'a long password', displayName: 'X', display: { theme: 'night' } as never }).catch((e: ChorusApiError) => e);
    expect([(refused as ChorusApiError).status, (refused as ChorusApiError).problem.errors?.map(({ pointer }) => pointer)]).toEqual([422, ['/display/theme', '/display/textSize']]);
  });

  it('signs in with a password hash of another cost, or of none named (made before it could be set), and makes it again at the cost set', async () => {
    const account = async (hash: string) => {
      const email = `hashed-${randomUUID()}@example.org`;
      await stack.db.query("INSERT INTO users (kind, email, display_name, password_hash, email_verified_at) VALUES ('registered', $1, 'H', $2, now())", [email, hash]);
      return email;
    };
    const stored = async (email: string) => (await stack.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [email])).rows[0]!.password_hash;
    const salt = randomBytes(16);
    const unnamed = await account(`scrypt$${salt.toString('base64url')}$${scryptSync('a long password', salt, 32).toString('base64url')}`);
    const cheap = await account(`scrypt$N=1024$${salt.toString('base64url')}$${scryptSync('a long password', salt, 32, { N: 1024 }).toString('base64url')}`);
    const before = await stored(cheap);

    await expect(stack.anonymous.login({ email: cheap, password: 'another password' })).rejects.toMatchObject({ status: 401 });
    expect(await stored(cheap)).toBe(before);
    expect((await stack.anonymous.login({ email: unnamed, password: 'a long password' })).user.email).toBe(unnamed);
    expect((await stack.anonymous.login({ email: cheap, password: 'a long password' })).user.email).toBe(cheap);
    expect(await stored(cheap)).toMatch(/^scrypt\$N=16384\$[\w-]{22}\$[\w-]{43}$/);
    expect((await stack.anonymous.login({ email: cheap, password: 'a long password' })).user.email).toBe(cheap);
    // Node's default cost, the one a hash naming none was made at: already the cost set.
    expect(await stored(unnamed)).toMatch(/^scrypt\$[\w-]{22}\$[\w-]{43}$/);

    // Hashes Chorus would not write match no password, the right one included: a cost out of bounds, a hash of no bytes.
    const outOfBounds = await account(`scrypt$N=262144$${salt.toString('base64url')}$${scryptSync('a long password', salt, 32, { N: 262_144, maxmem: 512 * 1024 * 1024 }).toString('base64url')}`);
    const empty = await account(`scrypt$N=16384$${salt.toString('base64url')}$A`);
    for (const email of [outOfBounds, empty]) await expect(stack.anonymous.login({ email, password: 'a long password' })).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a wrong password with a problem naming the field', async () => {
    const email = `bob-${Date.now()}@example.org`;
    await signUp(stack, { email, password: 'a long password', displayName: 'Bob' });
    const error = await stack.anonymous.login({ email, password: 'wrong password' }).catch((e: ChorusApiError) => e);
    expect(error).toBeInstanceOf(ChorusApiError);
    expect((error as ChorusApiError).status).toBe(401);
    expect((error as ChorusApiError).problem.errors).toEqual([{ pointer: '/password', message: expect.any(String) }]);
  });

  it('answers a sign-up the same whether or not the email has an account, and tells its owner instead', async () => {
    const raw = async (email: string, password: string) => {
      const response = await fetch(`${stack.baseUrl}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password, displayName: 'Cy' }),
      });
      return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
    };
    const taken = `cy-${randomUUID()}@example.org`;
    await signUp(stack, { email: taken, password: 'a long password', displayName: 'Cy' });
    const fresh = `cy-${randomUUID()}@example.org`;
    const answers = [await raw(fresh, 'another password'), await raw(taken, 'another password')];
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toEqual({ status: 202, type: null, body: '' });

    // The owner is told, with where to sign in or set a new password; the account is as it was.
    const notice = await stack.inbox.take(taken, /tried to sign up/);
    expect(notice.text).toContain(`${stack.config.publicUrl}/sign-in`);
    expect(notice.text).toContain(`${stack.config.publicUrl}/forgot-password`);
    expect((await stack.anonymous.login({ email: taken, password: 'a long password' })).user.displayName).toBe('Cy');
    const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [taken]);
    expect(rows[0].n).toBe(1);

    // Nor does signing in with the password just chosen tell them apart: the new account waits for its link.
    const refusals = await Promise.all([fresh, taken].map((email) => stack.anonymous.login({ email, password: 'another password' }).then(() => undefined, (e: ChorusApiError) => e)));
    expect(refusals.map((refusal) => [refusal?.status, refusal?.problem])).toEqual([0, 1].map(() => [401, refusals[0]?.problem]));
    await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.takeVerification(fresh)));
    expect((await stack.anonymous.login({ email: fresh, password: 'another password' })).user).toMatchObject({ email: fresh, emailVerified: true });
  });

  it("carries a guest's work into the account they sign up for, at its first sign-in with the guest's token", async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2);
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    await guest.queue(workflowId, 10);
    await guest.classify({ workflowId, workflowVersion: 1, subjectId: subjectIds[0]!, annotations: [{ task: 'T0', value: 'yes' }] }, `k-${randomUUID()}`);

    const email = `grace-${randomUUID()}@example.org`;
    const signedIn = await signUp(stack, { email, password: 'a long password', displayName: 'Grace' }, guest);
    expect(signedIn.guestWork).toEqual({ classifications: 1, alreadyClassified: 0 });
    const account = stack.anonymous.withToken(signedIn.token);
    expect((await account.queue(workflowId, 10)).subjects.map((subject) => subject.id)).toEqual([subjectIds[1]]);
    expect((await account.contribution()).classifications).toBe(1);
  });

  it("carries a guest's classifications into the account it signs in to with the guest's token, once, without counting anyone twice", async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 3);
    const [a, b, c] = subjectIds as [string, string, string];
    const answer = (subjectId: string) => ({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] });

    const email = `lin-${Date.now()}@example.org`;
    const account = await signUp(stack, { email, password: 'a long password', displayName: 'Lin' });
    const asAccount = stack.anonymous.withToken(account.token);
    await asAccount.classify(answer(a), `account-a-${Date.now()}`);
    expect((await asAccount.queue(workflowId, 10)).subjects.map((subject) => subject.id).sort()).toEqual([b, c].sort());

    const guest = await stack.anonymous.guest();
    const asGuest = stack.anonymous.withToken(guest.token);
    await asGuest.queue(workflowId, 10);
    await asGuest.classify(answer(a), `guest-a-${Date.now()}`);
    const keyOfB = `guest-b-${Date.now()}`;
    const storedB = await asGuest.classify(answer(b), keyOfB);
    // Reports of subjects go too, but of a subject the account reported itself.
    await asAccount.reportSubject(workflowId, { subjectId: a, reason: 'blank-or-unreadable' });
    await asGuest.reportSubject(workflowId, { subjectId: a, reason: 'other', note: 'the guest’s' });
    await asGuest.reportSubject(workflowId, { subjectId: b, reason: 'media-does-not-load' });

    // Without the guest's token, or with an account's, a sign-in carries nothing.
    expect(await stack.anonymous.login({ email, password: 'a long password' })).not.toHaveProperty('guestWork');
    expect((await asAccount.login({ email, password: 'a long password' })).guestWork).toBeUndefined();

    const signedIn = await asGuest.login({ email, password: 'a long password' });
    expect(signedIn.user.id).toBe(account.user.id);
    expect(signedIn.guestWork).toEqual({ classifications: 1, alreadyClassified: 1 });
    const reports = await stack.db.query('SELECT subject_id, user_id, reason FROM subject_reports WHERE workflow_id = $1 ORDER BY reason', [workflowId]);
    expect(reports.rows).toEqual([
      { subject_id: a, user_id: account.user.id, reason: 'blank-or-unreadable' },
      { subject_id: b, user_id: account.user.id, reason: 'media-does-not-load' },
      { subject_id: a, user_id: guest.user.id, reason: 'other' },
    ]);
    const byVolunteer = async () =>
      (await stack.db.query('SELECT subject_id, user_id FROM classifications WHERE workflow_id = $1 ORDER BY subject_id, user_id', [workflowId])).rows;
    // `a` was the account's already: the guest's answer to it stays the guest's, so no volunteer counts twice for it.
    expect(await byVolunteer()).toEqual(
      [
        { subject_id: a, user_id: account.user.id },
        { subject_id: a, user_id: guest.user.id },
        { subject_id: b, user_id: account.user.id },
      ].sort((x, y) => x.subject_id.localeCompare(y.subject_id) || x.user_id.localeCompare(y.user_id)),
    );
    // Stamped, so that an incremental download gives it again with its new volunteer.
    expect((await stack.db.query('SELECT updated_at > created_at AS stamped FROM classifications WHERE id = $1', [storedB.id])).rows).toEqual([{ stamped: true }]);
    // The guest's holds are released, and the account's of `b`, which it has now classified; `c` stays held.
    const holds = await stack.db.query('SELECT user_id, subject_id FROM assignments WHERE workflow_id = $1', [workflowId]);
    expect(holds.rows).toEqual([{ user_id: account.user.id, subject_id: c }]);

    // The guest's token has ended: a replay of its answer is refused, and the same answer sent by the account is the one stored.
    expect(((await asGuest.classify(answer(b), keyOfB).catch((e) => e)) as ChorusApiError).status).toBe(401);
    const replayed = await stack.anonymous.withToken(signedIn.token).classify(answer(b), keyOfB);
    expect(replayed).toMatchObject({ id: storedB.id, replayed: true });
    expect(await byVolunteer()).toHaveLength(3);

    // Carried once: the same sign-in again has nothing more to carry.
    expect((await asGuest.login({ email, password: 'a long password' }).catch((e) => e)) as ChorusApiError).toMatchObject({ status: 401 });
  });

  it('gives guests a token that works on protected routes', async () => {
    const guest = await stack.anonymous.guest();
    expect(guest.user.kind).toBe('guest');
    const client = stack.anonymous.withToken(guest.token);
    const { projects } = await client.listProjects();
    expect(projects.every((project) => project.status === 'live' || project.status === 'finished')).toBe(true);
  });

  it('names the authorization header when the token is missing or forged', async () => {
    const missing = (await stack.anonymous.createProject({ title: 'x' }).catch((e) => e)) as ChorusApiError;
    expect(missing.status).toBe(401);
    expect(missing.problem.errors?.[0]?.pointer).toBe('/headers/authorization');
    const forged = (await stack.anonymous.withToken('not.a.token').createProject({ title: 'x' }).catch((e) => e)) as ChorusApiError;
    expect(forged.status).toBe(401);
  });
});

/** The IETF rate-limit headers of an answer, and its Retry-After. */
const rateLimitOf = (answer: Response) => {
  const number = (name: string) => (answer.headers.has(name) ? Number(answer.headers.get(name)) : null);
  return { limit: number('ratelimit-limit'), remaining: number('ratelimit-remaining'), reset: number('ratelimit-reset'), retryAfter: number('retry-after') };
};

describe('limits per address', () => {
  let limited: Stack;
  beforeAll(async () => {
    // Behind a proxy at 127.0.0.1 (where the tests connect from), so that X-Forwarded-For names each test's address.
    limited = await startStack({
      worker: false,
      env: { NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR: '3', SIGN_INS_PER_ACCOUNT_PER_15_MINUTES: '2', INVITATIONS_PER_ACCOUNT_PER_DAY: '2', TRUST_PROXY: '127.0.0.1' },
    });
  });
  afterAll(() => limited.stop());

  const post = (path: string, address: string, body?: unknown, token?: string) =>
    fetch(`${limited.baseUrl}/api/v1/auth/${path}`, {
      method: 'POST',
      headers: { 'x-forwarded-for': address, ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  /** Signs up from the address, and opens the link mailed (not signing in: that counts toward the account's limit). */
  const signUpFrom = async (address: string, email: string) => {
    expect((await post('register', address, { email, password: 'a long password', displayName: 'T' })).status).toBe(202);
    await limited.anonymous.verifyEmail(limited.inbox.linkToken(await limited.inbox.takeVerification(email)));
  };

  it('makes no more than the limit of guests and accounts together from one address in an hour, and says when to come back', async () => {
    const statuses = [];
    const guests: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const made = await post('guest', '203.0.113.5');
      statuses.push(made.status);
      // How the address stands, on every answer: a script paces itself before it is refused.
      expect(rateLimitOf(made)).toEqual({ limit: 3, remaining: 2 - i, reset: expect.any(Number), retryAfter: null });
      expect(rateLimitOf(made).reset).toBeGreaterThan(3500);
      guests.push(((await made.json()) as { token: string }).token);
    }
    const email = `limit-${randomUUID()}@example.org`;
    statuses.push((await post('register', '203.0.113.5', { email, password: 'a long password', displayName: 'L' })).status);
    expect(statuses).toEqual([201, 201, 202]);
    await limited.inbox.takeVerification(email); // the account is made after the answer
    const { rows: before } = await limited.db.query('SELECT count(*)::int AS n FROM users');

    const refused = await post('guest', '203.0.113.5');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(rateLimitOf(refused)).toEqual({ limit: 3, remaining: 0, reset: Number(refused.headers.get('retry-after')), retryAfter: Number(refused.headers.get('retry-after')) });
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^Too many new volunteers from your address \(at most 3 an hour\); try again in 60 minutes/);
    expect((await post('register', '203.0.113.5', { email: `limit2-${Date.now()}@example.org`, password: 'a long password', displayName: 'M' })).status).toBe(429);
    expect((await limited.db.query('SELECT count(*)::int AS n FROM users')).rows).toEqual(before);
    // A guest who signs up makes an account of its own (carried into at sign-in): refused too.
    expect((await post('register', '203.0.113.5', { email: `limit3-${Date.now()}@example.org`, password: 'a long password', displayName: 'N' }, guests[0])).status).toBe(429);

    expect((await post('guest', '203.0.113.6')).status).toBe(201); // another address counts on its own
  });

  it('stops guessing passwords at one account from one address after the limit of refused sign-ins, and not at other accounts', async () => {
    const email = `tries-${Date.now()}@example.org`;
    const other = `other-${Date.now()}@example.org`;
    await signUpFrom('198.51.100.1', email);
    await signUpFrom('198.51.100.2', other);
    const attempt = (password: string, account = email) => post('login', '198.51.100.9', { email: account, password });
    const first = await attempt('wrong one');
    expect([first.status, rateLimitOf(first).limit, rateLimitOf(first).remaining]).toEqual([401, 2, 1]);
    expect((await attempt('wrong two')).status).toBe(401);
    const refused = await attempt('a long password');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^Too many wrong passwords for this account from your address \(at most 2 in 15 minutes\); try again in 1[45] minutes, or set a new password/);
    expect(rateLimitOf(refused)).toEqual({ limit: 2, remaining: 0, reset: Number(refused.headers.get('retry-after')), retryAfter: expect.any(Number) });
    expect(rateLimitOf(refused).reset).toBeGreaterThan(800);
    expect((await attempt('a long password', ` ${email.toUpperCase()}`)).status).toBe(429); // the same account, however it is written
    expect((await attempt('a long password', other)).status).toBe(200);
    expect((await post('login', '198.51.100.10', { email, password: 'a long password' })).status).toBe(200);
    // Addresses of one IPv6 /64 are one address: a host does not get more tries by changing its last bits.
    const fromIpv6 = (address: string, password: string) => post('login', address, { email: other, password });
    expect((await fromIpv6('2001:db8:1:2::10', 'wrong one')).status).toBe(401);
    expect((await fromIpv6('2001:db8:1:2::11', 'wrong two')).status).toBe(401);
    expect((await fromIpv6('2001:db8:1:2:ffff::12', 'a long password')).status).toBe(429);
    expect((await fromIpv6('2001:db8:1:3::10', 'a long password')).status).toBe(200);
  });

  it("never counts a sign-in that succeeds, however often a script signs in, and forgets the account's failures from that address once one does", async () => {
    const email = `script-${randomUUID()}@example.org`;
    await signUpFrom('198.51.100.60', email);
    const attempt = (password: string) => post('login', '198.51.100.61', { email, password });
    for (let i = 0; i < 5; i += 1) {
      const signedIn = await attempt('a long password');
      expect([signedIn.status, rateLimitOf(signedIn).limit, rateLimitOf(signedIn).remaining]).toEqual([200, 2, 2]);
    }
    expect((await attempt('wrong one')).status).toBe(401);
    const again = await attempt('a long password');
    expect([again.status, rateLimitOf(again).remaining]).toEqual([200, 2]); // the failure before it forgotten
    expect((await attempt('wrong two')).status).toBe(401);
    const lastTry = await attempt('wrong three');
    expect([lastTry.status, rateLimitOf(lastTry).remaining]).toEqual([401, 0]);
    expect((await attempt('a long password')).status).toBe(429);
  });

  it("counts the password checks of an account's own routes and its failed sign-ins together, per account", async () => {
    const register = async () => {
      const email = `own-${randomUUID()}@example.org`;
      await signUpFrom('198.51.100.20', email);
      const answer = await post('login', '198.51.100.22', { email, password: 'a long password' });
      return { email, token: ((await answer.json()) as { token: string }).token };
    };
    const [mine, another] = [await register(), await register()];
    const account = (method: string, path: string, token: string, body: unknown) =>
      fetch(`${limited.baseUrl}/api/v1/account${path}`, {
        method,
        headers: { 'x-forwarded-for': '198.51.100.21', 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    const changePassword = (token: string, currentPassword: string) => account('POST', '/password', token, { currentPassword, newPassword: 'a new long password' });
    // A right password does not count here either, however often: only wrong ones, with the failed sign-ins.
    for (let i = 0; i < 3; i += 1) {
      const kept = await account('POST', '/password', mine.token, { currentPassword: 'a long password', newPassword: 'a long password' });
      expect(kept.status).toBe(200);
      mine.token = ((await kept.json()) as { token: string }).token;
    }
    expect((await changePassword(mine.token, 'wrong one')).status).toBe(422);
    expect((await post('login', '198.51.100.21', { email: mine.email, password: 'wrong two' })).status).toBe(401);
    // Two tries at this account from this address: the third is refused, whichever route checks the password.
    const refused = await account('DELETE', '', mine.token, { password: 'a long password' });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^Too many wrong passwords for this account from your address \(at most 2 in 15 minutes\)/);
    expect((await changePassword(mine.token, 'a long password')).status).toBe(429);
    // Whatever new email the body names: the count is the caller's.
    for (const email of ['one', 'two'].map((name) => `${name}-${randomUUID()}@example.org`)) {
      expect((await account('POST', '/email', mine.token, { email, password: 'a long password' })).status).toBe(429);
    }
    expect((await post('login', '198.51.100.21', { email: mine.email, password: 'a long password' })).status).toBe(429);
    expect((await changePassword(another.token, 'a long password')).status).toBe(200);
  });

  it("counts asking for a password-reset link toward the account's sign-in limit", async () => {
    const email = `reset-${randomUUID()}@example.org`;
    await post('register', '198.51.100.40', { email, password: 'a long password', displayName: 'R' });
    expect((await post('password-reset', '198.51.100.41', { email })).status).toBe(202);
    expect((await post('login', '198.51.100.41', { email, password: 'wrong' })).status).toBe(401);
    const refused = await post('password-reset', '198.51.100.41', { email: email.toUpperCase() });
    expect(refused.status).toBe(429);
    expect((await post('password-reset', '198.51.100.42', { email })).status).toBe(202);
  });

  it('stops password spraying: at most FAILED_SIGN_INS_PER_ADDRESS_PER_15_MINUTES sign-ins refused from one address, whatever the accounts', async () => {
    const sprayed = await startStack({ worker: false, env: { FAILED_SIGN_INS_PER_ADDRESS_PER_15_MINUTES: '3', SIGN_INS_PER_ACCOUNT_PER_15_MINUTES: '0', TRUST_PROXY: '127.0.0.1' } });
    try {
      const login = (address: string, email: string, password: string) =>
        fetch(`${sprayed.baseUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'x-forwarded-for': address, 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
      const email = `sprayed-${randomUUID()}@example.org`;
      await sprayed.anonymous.register({ email, password: 'a long password', displayName: 'S' });
      await sprayed.anonymous.verifyEmail(sprayed.inbox.linkToken(await sprayed.inbox.takeVerification(email)));
      // Sign-ins that succeed do not count; refusals count, at accounts or at emails that have none alike.
      const statuses = [];
      statuses.push((await login('192.0.2.50', email, 'a long password')).status);
      statuses.push((await login('192.0.2.50', `nobody-${randomUUID()}@example.org`, 'Summer2026!')).status);
      statuses.push((await login('192.0.2.50', email, 'a long password')).status);
      statuses.push((await login('192.0.2.50', `nobody-${randomUUID()}@example.org`, 'Summer2026!')).status);
      statuses.push((await login('192.0.2.50', email, 'Summer2026!')).status);
      expect(statuses).toEqual([200, 401, 200, 401, 401]);
      // Over the limit: refused before any password is checked, the same for an account and an email with none.
      const atAccount = await login('192.0.2.50', email, 'a long password');
      const atNobody = await login('192.0.2.50', `nobody-${randomUUID()}@example.org`, 'Summer2026!');
      expect([atAccount.status, atNobody.status]).toEqual([429, 429]);
      expect(atAccount.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(atAccount.headers.get('retry-after'))).toBeGreaterThan(800);
      const [accountProblem, nobodyProblem] = [(await atAccount.json()) as { detail: string }, (await atNobody.json()) as { detail: string }];
      expect(accountProblem.detail).toMatch(/^Too many failed sign-ins from your address \(at most 3 in 15 minutes\); try again in 1[45] minutes/);
      expect(nobodyProblem).toEqual(accountProblem);
      // Another address signs in, as before (an IPv6 /64 counts as one address, as for the other limits).
      expect((await login('192.0.2.51', email, 'a long password')).status).toBe(200);
      // Sent at once, attempts cannot all get in before the first is refused: each is counted while its password is checked.
      const together = await Promise.all(Array.from({ length: 6 }, () => login('192.0.2.52', `nobody-${randomUUID()}@example.org`, 'Summer2026!').then((answer) => answer.status)));
      expect(together.sort()).toEqual([401, 401, 401, 429, 429, 429]);
    } finally {
      await sprayed.stop();
    }
  });

  it('lets one address ask for at most PASSWORD_RESETS_PER_ADDRESS_PER_HOUR password-reset links, whatever the emails', async () => {
    const resets = await startStack({ worker: false, env: { PASSWORD_RESETS_PER_ADDRESS_PER_HOUR: '2', SIGN_INS_PER_ACCOUNT_PER_15_MINUTES: '0', TRUST_PROXY: '127.0.0.1' } });
    try {
      const ask = (address: string, email: string) =>
        fetch(`${resets.baseUrl}/api/v1/auth/password-reset`, {
          method: 'POST',
          headers: { 'x-forwarded-for': address, 'content-type': 'application/json' },
          body: JSON.stringify({ email }),
        });
      const email = `reset-limit-${randomUUID()}@example.org`;
      await resets.anonymous.register({ email, password: 'a long password', displayName: 'R' });
      expect((await ask('192.0.2.60', `nobody-${randomUUID()}@example.org`)).status).toBe(202);
      expect((await ask('192.0.2.60', `nobody-${randomUUID()}@example.org`)).status).toBe(202);
      const atAccount = await ask('192.0.2.60', email);
      const atNobody = await ask('192.0.2.60', `nobody-${randomUUID()}@example.org`);
      expect([atAccount.status, atNobody.status]).toEqual([429, 429]);
      expect(atAccount.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(atAccount.headers.get('retry-after'))).toBeGreaterThan(3500);
      const accountProblem = (await atAccount.json()) as { detail: string };
      expect(accountProblem.detail).toMatch(/^Too many password-reset links asked for from your address \(at most 2 an hour\)/);
      expect((await atNobody.json()) as unknown).toEqual(accountProblem);
      expect((await ask('192.0.2.61', email)).status).toBe(202); // another address counts on its own
    } finally {
      await resets.stop();
    }
  });

  it('lets one account send at most INVITATIONS_PER_ACCOUNT_PER_DAY invitations a day, each mailed, whatever the project', async () => {
    const invite = (projectId: string, email: string) =>
      fetch(`${limited.baseUrl}/api/v1/projects/${projectId}/invitations`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '198.51.100.50', 'content-type': 'application/json', authorization: `Bearer ${limited.client.token}` },
        body: JSON.stringify({ email, role: 'scientist' }),
      });
    const first = await limited.client.createProject({ title: `Invites ${randomUUID().slice(0, 8)}` });
    const second = await limited.client.createProject({ title: `More invites ${randomUUID().slice(0, 8)}` });
    const addresses = [0, 1, 2].map((n) => `invited-${n}-${randomUUID().slice(0, 8)}@example.org`);
    const invited = await invite(first.id, addresses[0]!);
    expect([invited.status, rateLimitOf(invited).limit, rateLimitOf(invited).remaining]).toEqual([201, 2, 1]);
    expect((await invite(second.id, addresses[1]!)).status).toBe(201);
    const refused = await invite(second.id, addresses[2]!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(80_000);
    expect(rateLimitOf(refused)).toMatchObject({ limit: 2, remaining: 0, reset: Number(refused.headers.get('retry-after')) });
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^Too many invitations from your account \(at most 2 a day, each mailed\)/);
    expect((await limited.client.invitations(second.id)).invitations.map((invitation) => invitation.email)).toEqual([addresses[1]]);
    await limited.inbox.take(addresses[1]!);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(limited.inbox.mails.filter((mail) => mail.to === addresses[2])).toEqual([]);
  });

  it('keeps no email in Redis, however long: the sign-in count is kept under a hash of the address and account', async () => {
    const email = `${'long'.repeat(50_000)}-${randomUUID()}@example.org`;
    expect((await post('password-reset', '198.51.100.30', { email })).status).toBe(422);
    expect((await post('login', '198.51.100.30', { email: `${'long'.repeat(60)}-${randomUUID()}@example.org`, password: 'any password' })).status).toBe(401);
    const redis = new Redis(limited.config.redisUrl);
    try {
      const keys = await redis.keys(`${limited.config.queuePrefix}:address-limits:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(Math.max(...keys.map((key) => key.length))).toBeLessThan(200);
      expect(keys.some((key) => key.includes('example.org'))).toBe(false);
    } finally {
      redis.disconnect();
    }
  });

  it('counts an address across every API process that shares the Redis, and in each process alone while Redis is away', async () => {
    const sameRedis = await startStack({ worker: false, env: { NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR: '3', TRUST_PROXY: '127.0.0.1', QUEUE_PREFIX: limited.config.queuePrefix } });
    const noRedis = await startStack({ worker: false, env: { NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR: '3', TRUST_PROXY: '127.0.0.1', REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const guest = (stack: Stack) =>
        fetch(`${stack.baseUrl}/api/v1/auth/guest`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.77' } }).then((made) => made.status);
      expect([await guest(limited), await guest(sameRedis), await guest(limited)]).toEqual([201, 201, 201]);
      expect([await guest(sameRedis), await guest(limited)]).toEqual([429, 429]);
      expect([await guest(noRedis), await guest(noRedis), await guest(noRedis), await guest(noRedis)]).toEqual([201, 201, 201, 429]);
    } finally {
      await Promise.all([sameRedis.stop(), noRedis.stop()]);
    }
  });
});
