import { randomUUID } from 'node:crypto';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

const board = (path = '', headers: Record<string, string> = {}) => fetch(`${stack.baseUrl.replace(/\/api\/v1$/, '')}/admin/queues${path}`, { headers, redirect: 'manual' });

async function registered(): Promise<string> {
  return (await stack.anonymous.register({ email: `board-${randomUUID()}@example.org`, password: 'correct horse battery', displayName: 'Board' })).token;
}

it('refuses the queue board without a token, to guests and to volunteers who administer no project', async () => {
  const anonymous = await board();
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
  expect(((await anonymous.json()) as { detail: string }).detail).toContain('/admin/queues?token=');

  const guest = (await stack.anonymous.guest()).token;
  expect((await board(`?token=${guest}`)).status).toBe(403);
  expect((await board('/api/queues', { authorization: `Bearer ${await registered()}` })).status).toBe(403);
});

it('lets a project owner sign in once by link and then read every queue, read-only', async () => {
  const token = await registered();
  await stack.anonymous.withToken(token).createProject({ title: `Owned ${randomUUID()}` });

  const signIn = await board(`?token=${token}`);
  expect(signIn.status).toBe(302);
  expect(signIn.headers.get('location')).toBe('/admin/queues');
  const cookie = signIn.headers.get('set-cookie')!;
  expect(cookie).toMatch(/HttpOnly/i);

  const page = await board('', { cookie: cookie.split(';')[0]! });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Chorus queues');

  const api = await board('/api/queues', { cookie: cookie.split(';')[0]! });
  expect(api.status).toBe(200);
  const { queues } = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
  expect(queues.map((queue) => [queue.name, queue.readOnlyMode]).sort()).toEqual([['aggregation', true], ['maintenance', true], ['reaggregation', true]]);
});
