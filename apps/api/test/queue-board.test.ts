import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type Stack, startStack } from '../../../test/support/stack';
import { BOARD_SESSION_SECONDS } from '../src/admin/queue-board';
import { Tokens } from '../src/auth/tokens';
import { loggedRequest } from '../src/common/request-log';
import { signUp } from '../../../test/support/accounts';

const OPERATOR = randomUUID();

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false, env: { OPERATOR_IDS: `${randomUUID()}, ${OPERATOR.toUpperCase()}`, TRUST_PROXY: 'loopback' } });
  await stack.db.query("INSERT INTO users (id, kind, display_name, email) VALUES ($1, 'registered', 'Operator', $2)", [OPERATOR, `operator-${OPERATOR}@example.org`]);
});
afterAll(() => stack.stop());

const board = (path = '', headers: Record<string, string> = {}) => fetch(`${stack.baseUrl.replace(/\/api\/v1$/, '')}/admin/queues${path}`, { headers, redirect: 'manual' });

async function registered(): Promise<string> {
  return (await signUp(stack, { email: `board-${randomUUID()}@example.org`, displayName: 'Board' })).token;
}

it('refuses the queue board without a token, to guests, to volunteers, and to project owners who do not run this Chorus', async () => {
  const anonymous = await board();
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  expect(((await anonymous.json()) as { detail: string }).detail).toContain('/admin/queues?token=');

  const guest = (await stack.anonymous.guest()).token;
  expect((await board(`?token=${guest}`)).status).toBe(403);
  expect((await board('/api/queues', { authorization: `Bearer ${await registered()}` })).status).toBe(403);
  // Anyone can make a project: owning one shows nothing of everyone else's jobs.
  const owner = await registered();
  await stack.anonymous.withToken(owner).createProject({ title: `Owned ${randomUUID()}` });
  const refused = await board('/api/queues', { authorization: `Bearer ${owner}` });
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { detail: string }).detail).toContain('OPERATOR_IDS');
});

it('lets an operator sign in once by link and then read every queue, read-only', async () => {
  const token = await stack.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' });

  const signIn = await board(`?token=${token}`);
  expect(signIn.status).toBe(302);
  expect(signIn.headers.get('location')).toBe('/admin/queues');
  const cookie = signIn.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).not.toMatch(/Secure/i); // over plain HTTP, a browser would drop a Secure cookie
  // Behind a proxy that ends TLS, the cookie is never to be sent unencrypted.
  const behindTls = await board(`?token=${token}`, { 'x-forwarded-proto': 'https' });
  expect(behindTls.headers.get('set-cookie')).toMatch(/; Secure/i);

  const page = await board('', { cookie: cookie.split(';')[0]! });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Chorus queues');

  const api = await board('/api/queues', { cookie: cookie.split(';')[0]! });
  expect(api.status).toBe(200);
  const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
  expect(queues.map((queue) => [queue.name, queue.readOnlyMode]).sort()).toEqual([['aggregation', true], ['maintenance', true], ['reaggregation', true], ['webhooks', true]]);
});

it("keeps a session of the board's own in its cookie, not the API token, which ends when the operator signs out everywhere", async () => {
  const token = await stack.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' });
  const cookie = (await board(`?token=${token}`)).headers.get('set-cookie')!;
  expect(cookie).toMatch(new RegExp(`Max-Age=${BOARD_SESSION_SECONDS}`));
  const session = cookie.split(';')[0]!.split('=')[1]!;
  expect(session).not.toBe(token);
  // The cookie's value opens nothing but the board.
  expect((await fetch(`${stack.baseUrl}/api/v1/account`, { headers: { authorization: `Bearer ${session}` } })).status).toBe(401);
  expect((await fetch(`${stack.baseUrl}/api/v1/account`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  // Nor does an API token pass for a board session.
  expect((await board('/api/queues', { cookie: `chorus_board_session=${token}` })).status).toBe(401);

  expect((await board('/api/queues', { cookie: `chorus_board_session=${session}` })).status).toBe(200);
  await stack.anonymous.withToken(token).signOutEverywhere();
  expect((await board('/api/queues', { cookie: `chorus_board_session=${session}` })).status).toBe(401);
});

it("ends the board's session when the operator signs out of the token's session on that device, and never lets it outlive the token", async () => {
  const token = await stack.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' });
  const other = await stack.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' });
  const sessionOf = async (from: string) => (await board(`?token=${from}`)).headers.get('set-cookie')!.split(';')[0]!;
  const [signedOut, stays] = [await sessionOf(token), await sessionOf(other)];
  await stack.anonymous.withToken(token).signOut();
  expect((await board('/api/queues', { cookie: signedOut })).status).toBe(401);
  expect((await board('/api/queues', { cookie: stays })).status).toBe(200);

  const shortLived = await stack.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' }, 600);
  const maxAge = Number(/Max-Age=(\d+)/.exec((await board(`?token=${shortLived}`)).headers.get('set-cookie')!)?.[1]);
  expect(maxAge).toBeGreaterThan(590);
  expect(maxAge).toBeLessThanOrEqual(600);
});

it('writes a request to the log without a token sent in its address, however its name is encoded', () => {
  const logged = (url: string) => loggedRequest({ method: 'GET', url, host: 'localhost', ip: '127.0.0.1', socket: { remotePort: 5000 } } as unknown as FastifyRequest);
  expect(logged('/admin/queues?status=failed&token=eyJ.secret.part&x=1')).toEqual({
    method: 'GET',
    url: '/admin/queues?status=failed&token=[redacted]&x=1',
    host: 'localhost',
    remoteAddress: '127.0.0.1',
    remotePort: 5000,
  });
  expect(logged('/admin/queues?%74oken=eyJ.secret.part').url).toBe('/admin/queues?token=[redacted]');
  expect(logged('/admin/queues?tokens=kept&x=%E0').url).toBe('/admin/queues?tokens=kept&x=%E0');
});

it('signs in by a link whose token’s name is percent-encoded too, leaving it out of the address it sends the browser to', async () => {
  const token = await stack.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' });
  const signIn = await board(`?status=failed&%74oken=${token}`);
  expect(signIn.status).toBe(302);
  expect(signIn.headers.get('location')).toBe('/admin/queues?status=failed');
});

it('tells an operator at once that Redis does not answer, rather than leaving the board waiting on it', async () => {
  const away = await startStack({ worker: false, env: { OPERATOR_IDS: OPERATOR, REDIS_URL: 'redis://127.0.0.1:1' } });
  try {
    await away.db.query("INSERT INTO users (id, kind, display_name, email) VALUES ($1, 'registered', 'Operator', $2)", [OPERATOR, `operator-${OPERATOR}@example.org`]);
    const token = await away.app.get(Tokens).issue({ id: OPERATOR, kind: 'registered' });
    const answer = await fetch(`${away.baseUrl}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    expect([answer.status, ((await answer.json()) as { detail: string }).detail]).toEqual([503, expect.stringContaining('Redis does not answer')]);
  } finally {
    await away.stop();
  }
});
