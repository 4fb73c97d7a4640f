import { randomUUID } from 'node:crypto';
import type { ChorusClient } from '@chorus/client';
import type { Stack } from './stack';

export const ACCOUNT_PASSWORD = 'a long enough password';

export interface TestAccount {
  client: ChorusClient;
  id: string;
  email: string;
  token: string;
}

/**
 * A new account with an email of its own, verified through the link Chorus mailed to it (as its owner would, so that
 * invitations reach it) unless `verified` is false (the mail is then left in the inbox).
 */
export async function newAccount(stack: Stack, name = 'Ada', { verified = true } = {}): Promise<TestAccount> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}@example.org`;
  const session = await stack.anonymous.register({ email, password: ACCOUNT_PASSWORD, displayName: name });
  if (verified) await stack.anonymous.verifyEmail(stack.inbox.linkToken(await stack.inbox.take(email, /verify/i)));
  return { client: stack.anonymous.withToken(session.token), id: session.user.id, email, token: session.token };
}

/** A new account that the stack's researcher invited into the project in the role, and that accepted. */
export async function newMember(stack: Stack, projectId: string, role: 'collaborator' | 'scientist' | 'moderator', name = 'Member'): Promise<TestAccount> {
  const member = await newAccount(stack, name);
  await stack.client.invite(projectId, { email: member.email, role });
  await member.client.acceptInvitation(projectId);
  return member;
}
