import { type ChorusClient } from '@chorus/client';
import { newAccount } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { GuestAddresses } from '../src/auth/guest-addresses';

/**
 * Guests are free, so the guests made from one address hold only so many subjects of a workflow together
 * (MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS): one address making guests cannot hold a whole workflow. Accounts,
 * and guests made from other addresses, are not affected.
 */
const PER_GUEST = 10;
const PER_ADDRESS = 25;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    worker: false,
    env: { MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST: String(PER_GUEST), MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS: String(PER_ADDRESS), TRUST_PROXY: '127.0.0.1' },
  });
});
afterAll(() => stack.stop());

/** A guest made from `address` (as TRUST_PROXY's proxy says), as a client. */
async function guestFrom(address: string): Promise<ChorusClient> {
  const response = await fetch(`${stack.baseUrl}/api/v1/auth/guest`, { method: 'POST', headers: { 'x-forwarded-for': address } });
  expect(response.status).toBe(201);
  return stack.anonymous.withToken(((await response.json()) as { token: string }).token);
}

const heldIn = async (workflowId: string) =>
  (await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflowId])).rows[0].n as number;

it("holds no more of a workflow for one address's guests together than the limit, asked for at once or not, and tells the next one to come back", async () => {
  const { workflowId } = await voteWorkflow(stack, 200, 1);
  const guests = await Promise.all(Array.from({ length: 5 }, () => guestFrom('203.0.113.7')));
  // Asked for at once: what requests in progress may take counts too (a request may count a take both committed and
  // still in progress, and take less: never more).
  const served = await Promise.all(guests.map((guest) => guest.queue(workflowId, PER_GUEST)));
  expect(served.reduce((sum, view) => sum + view.subjects.length, 0)).toBeLessThanOrEqual(PER_ADDRESS);
  // Asked for one after another, the rest up to the limit.
  for (let more = 0; more < PER_ADDRESS; more += PER_GUEST) await (await guestFrom('203.0.113.7')).queue(workflowId, PER_GUEST);
  expect(await heldIn(workflowId)).toBe(PER_ADDRESS);

  // Another guest of the address gets nothing, and is told to come back.
  const late = await (await guestFrom('203.0.113.7')).queue(workflowId, PER_GUEST);
  expect(late).toMatchObject({ subjects: [], finished: false, heldBy: 'others', retryAfterSeconds: expect.any(Number) });
  // A guest of the address still renews what it holds (its page's subjects), served nothing new.
  const holder = guests[served.findIndex((view) => view.subjects.length)]!;
  const holding = served.find((view) => view.subjects.length)!.subjects.map((subject) => subject.id);
  await stack.db.query("UPDATE assignments SET expires_at = now() + interval '1 minute' WHERE workflow_id = $1 AND subject_id = ANY($2)", [workflowId, holding]);
  expect(await holder.queue(workflowId, PER_GUEST, { renew: holding })).toMatchObject({ subjects: [], heldBy: 'others' });
  const { rows: renewed } = await stack.db.query("SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND subject_id = ANY($2) AND expires_at > now() + interval '10 minutes'", [workflowId, holding]);
  expect(renewed[0].n).toBe(holding.length);
  // An IPv6 /64 is one address, as for making guests.
  const [first, second] = [await guestFrom('2001:db8:1:2::1'), await guestFrom('2001:db8:1:2::ffff')];
  expect((await first.queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  expect((await first.queue(workflowId, PER_GUEST)).subjects).toHaveLength(0); // the guest's own limit
  expect((await second.queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  expect((await (await guestFrom('2001:db8:1:2::2')).queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_ADDRESS - 2 * PER_GUEST);

  // Guests of another address, and accounts (whatever their address), are not held back.
  expect((await (await guestFrom('198.51.100.3')).queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  const volunteer = await newAccount(stack, 'Volunteer');
  expect((await volunteer.client.queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);

  // Once a guest gives some back, the address may hold them again.
  const given = served.find((view) => view.subjects.length)!.subjects.map((subject) => subject.id);
  const giver = guests[served.findIndex((view) => view.subjects.length)]!;
  await giver.releaseHolds(workflowId, given);
  expect((await (await guestFrom('203.0.113.7')).queue(workflowId, PER_GUEST)).subjects).toHaveLength(Math.min(PER_GUEST, given.length));
});

it('forgets the address a guest was made from once its token and its last holds have ended, and keeps a newer one', async () => {
  const [old, recent] = [await guestFrom('198.51.100.23'), await guestFrom('198.51.100.23')];
  const idOf = async (guest: ChorusClient) => (await guest.account()).id;
  const [oldId, recentId] = [await idOf(old), await idOf(recent)];
  const { tokenTtlSeconds, assignmentTtlSeconds } = stack.config;
  await stack.db.query('UPDATE users SET created_at = now() - make_interval(secs => $2) WHERE id = $1', [oldId, tokenTtlSeconds + assignmentTtlSeconds + 1]);
  expect(await stack.app.get(GuestAddresses).forgetOld()).toBeGreaterThanOrEqual(1);
  const { rows } = await stack.db.query('SELECT id, guest_address FROM users WHERE id = ANY($1::uuid[])', [[oldId, recentId]]);
  expect(new Map(rows.map((row) => [row.id, row.guest_address]))).toEqual(new Map([[oldId, null], [recentId, '198.51.100.23']]));
});
