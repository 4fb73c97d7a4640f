import { randomUUID } from 'node:crypto';
import type { ChorusClient, Session, SignIn } from '@chorus/client';
import { Tokens } from '../../apps/api/src/auth/tokens';
import type { Stack } from './stack';
import { until } from './waiting';

export const ACCOUNT_PASSWORD = 'a long enough password';

export interface TestAccount {
  client: ChorusClient;
  id: string;
  email: string;
  token: string;
}

/**
 * Signs up as a volunteer does: the account, once the link mailed to it is opened, signs in (with `as`, a client
 * holding a guest's token, the guest's work goes into the account). Answers the sign-in.
 */
export async function signUp(stack: Stack, input: Omit<Parameters<ChorusClient['register']>[0], 'password'> & { password?: string }, as: ChorusClient = stack.anonymous): Promise<SignIn> {
  const password = input.password ?? ACCOUNT_PASSWORD;
  await stack.anonymous.register({ ...input, password });
  await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.takeVerification(input.email)));
  return as.login({ email: input.email, password });
}

/**
 * A new account with an email of its own, verified through the link Chorus mailed to it (as its owner would, so that
 * invitations reach it) and signed in. With `verified` false, the link's mail is left in the inbox and the account
 * holds a token without it, as an account made before sign-in waited for a verified email does.
 */
export async function newAccount(stack: Stack, name = 'Ada', { verified = true } = {}): Promise<TestAccount> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}@example.org`;
  const session = verified ? await signUp(stack, { email, displayName: name }) : await unverifiedAccount(stack, email, name);
  return { client: stack.anonymous.withToken(session.token), id: session.user.id, email, token: session.token };
}

/** Signs up, and answers a token for the account before its email is verified (the link's mail is left in the inbox). */
export async function unverifiedAccount(stack: Stack, email: string, displayName: string, password = ACCOUNT_PASSWORD): Promise<Session> {
  await stack.anonymous.register({ email, password, displayName });
  const accountOf = async () => (await stack.db.query<{ id: string }>("SELECT id FROM users WHERE email = $1 AND kind = 'registered'", [email])).rows[0]?.id;
  await until(async () => (await accountOf()) !== undefined, `the account of ${email}, made after the answer`, 10_000);
  return stack.app.get(Tokens).session({ id: (await accountOf())!, kind: 'registered', displayName, email, emailVerified: false });
}

/** A new account that the stack's researcher invited into the project in the role, and that accepted. */
export async function newMember(stack: Stack, projectId: string, role: 'collaborator' | 'scientist' | 'moderator' | 'reviewer', name = 'Member'): Promise<TestAccount> {
  const member = await newAccount(stack, name);
  await stack.client.invite(projectId, { email: member.email, role });
  await member.client.acceptInvitation(projectId);
  return member;
}

/** A new researcher of the project (a scientist), as the `authorization` header of their requests. */
export const researcherOf = async (stack: Stack, projectId: string): Promise<string> => `Bearer ${(await newMember(stack, projectId, 'scientist', 'Scientist')).token}`;
