import { ChorusApiError } from '@chorus/client';
import { type Stack, startStack } from '../../../test/support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.stop());

describe('auth', () => {
  it('registers, logs in and answers the same user', async () => {
    const email = `ada-${Date.now()}@example.org`;
    const registered = await stack.anonymous.register({ email, password: 'a long password', displayName: 'Ada' });
    const loggedIn = await stack.anonymous.login({ email: email.toUpperCase(), password: 'a long password' });
    expect(loggedIn.user).toEqual(registered.user);
    expect(registered.user).toMatchObject({ kind: 'registered', displayName: 'Ada', email });
  });

  it('refuses a wrong password with a problem naming the field', async () => {
    const email = `bob-${Date.now()}@example.org`;
    await stack.anonymous.register({ email, password: 'a long password', displayName: 'Bob' });
    const error = await stack.anonymous.login({ email, password: 'wrong password' }).catch((e: ChorusApiError) => e);
    expect(error).toBeInstanceOf(ChorusApiError);
    expect((error as ChorusApiError).status).toBe(401);
    expect((error as ChorusApiError).problem.errors).toEqual([{ pointer: '/password', message: expect.any(String) }]);
  });

  it('refuses a second account with the same email with 409', async () => {
    const email = `cy-${Date.now()}@example.org`;
    await stack.anonymous.register({ email, password: 'a long password', displayName: 'Cy' });
    const error = (await stack.anonymous.register({ email, password: 'another password', displayName: 'Cy' }).catch((e) => e)) as ChorusApiError;
    expect(error.status).toBe(409);
  });

  it('gives guests a token that works on protected routes', async () => {
    const guest = await stack.anonymous.guest();
    expect(guest.user.kind).toBe('guest');
    const client = stack.anonymous.withToken(guest.token);
    await expect(client.listProjects()).resolves.toEqual({ projects: [] });
  });

  it('names the authorization header when the token is missing or forged', async () => {
    const missing = (await stack.anonymous.createProject({ title: 'x' }).catch((e) => e)) as ChorusApiError;
    expect(missing.status).toBe(401);
    expect(missing.problem.errors?.[0]?.pointer).toBe('/headers/authorization');
    const forged = (await stack.anonymous.withToken('not.a.token').createProject({ title: 'x' }).catch((e) => e)) as ChorusApiError;
    expect(forged.status).toBe(401);
  });
});
