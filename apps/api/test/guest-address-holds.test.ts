import { type ChorusClient } from '@chorus/client';
import { ACCOUNT_PASSWORD, newAccount, signUp } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';
import { WORKFLOWS_FOR_QUEUE } from '../src/assignment/queue-sql';
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

/** The live holds in the workflow carrying each address (null: none), as `address: count`. */
const heldByAddress = async (workflowId: string) =>
  Object.fromEntries(
    (await stack.db.query('SELECT coalesce(guest_address, \'none\') AS address, count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND expires_at > now() GROUP BY 1', [workflowId])).rows.map(
      (row) => [row.address, row.n],
    ),
  );

const idOf = async (guest: ChorusClient) => (await guest.account()).id;

it("holds no more of a workflow for one address's guests together than the limit, asked for at once or not, and tells the next one to come back", async () => {
  const { workflowId } = await voteWorkflow(stack, 200, 1);
  const guests = await Promise.all(Array.from({ length: 5 }, () => guestFrom('203.0.113.7')));
  // Asked for at once: what requests in progress may take counts too (a request may count a take both committed and
  // still in progress, and take less: never more).
  const served = await Promise.all(guests.map((guest) => guest.queue(workflowId, PER_GUEST)));
  expect(served.reduce((sum, view) => sum + view.subjects.length, 0)).toBeLessThanOrEqual(PER_ADDRESS);
  // Each hold carries the address its guest was made from.
  expect(await heldByAddress(workflowId)).toEqual({ '203.0.113.7': served.reduce((sum, view) => sum + view.subjects.length, 0) });
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

it("forgets the address a guest was made from once its token has ended, and keeps a newer one; the guest's last holds still count", async () => {
  const { workflowId } = await voteWorkflow(stack, 100, 1);
  const [old, recent] = [await guestFrom('198.51.100.23'), await guestFrom('198.51.100.23')];
  const [oldId, recentId] = [await idOf(old), await idOf(recent)];
  expect((await old.queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  // Made a minute and more past its token's lifetime: its holds, renewed until its token ended, may last longer.
  await stack.db.query('UPDATE users SET created_at = now() - make_interval(secs => $2) WHERE id = $1', [oldId, stack.config.tokenTtlSeconds + 61]);
  expect(await stack.app.get(GuestAddresses).forgetOld()).toBeGreaterThanOrEqual(1);
  const { rows } = await stack.db.query('SELECT id, guest_address FROM users WHERE id = ANY($1::uuid[])', [[oldId, recentId]]);
  expect(new Map(rows.map((row) => [row.id, row.guest_address]))).toEqual(new Map([[oldId, null], [recentId, '198.51.100.23']]));
  // Its holds carry the address themselves: the address's other guests may hold only the rest.
  expect((await recent.queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  expect((await (await guestFrom('198.51.100.23')).queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_ADDRESS - 2 * PER_GUEST);
});

it("counts only the address's live holds in the workflow: not those expired, nor those in other workflows, nor a guest's carried into an account", async () => {
  const [{ workflowId }, { workflowId: other }] = [await voteWorkflow(stack, 100, 1), await voteWorkflow(stack, 100, 1)];
  const address = '192.0.2.44';
  const guests = [await guestFrom(address), await guestFrom(address), await guestFrom(address)];
  for (const guest of guests) await guest.queue(workflowId, PER_GUEST);
  expect(await heldByAddress(workflowId)).toEqual({ [address]: PER_ADDRESS });
  // Another workflow's holds are its own.
  expect((await (await guestFrom(address)).queue(other, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  // Expired, the first guest's holds count no more (until the reconciler deletes them).
  await stack.db.query("UPDATE assignments SET expires_at = now() - interval '1 second' WHERE workflow_id = $1 AND user_id = $2", [workflowId, await idOf(guests[0]!)]);
  expect((await (await guestFrom(address)).queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  // A guest who signs in to an account gives its holds back: the address may hold them again, and the account's own
  // holds carry no address.
  const holder = guests[1]!;
  const { email } = await newAccount(stack, 'Carried');
  await holder.login({ email, password: ACCOUNT_PASSWORD });
  expect(await heldByAddress(workflowId)).toEqual({ [address]: PER_ADDRESS - PER_GUEST });
  expect((await (await guestFrom(address)).queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  const signedIn = await signUp(stack, { email: `carried-${Date.now()}@example.org`, displayName: 'Carried too' }, await guestFrom(address));
  expect((await stack.anonymous.withToken(signedIn.token).queue(workflowId, PER_GUEST)).subjects).toHaveLength(PER_GUEST);
  expect(await heldByAddress(workflowId)).toEqual({ [address]: PER_ADDRESS, none: PER_GUEST });
});

it("counts an address's holds through their own index, not by walking the address's guests, and no further than the limit", async () => {
  const { workflowId } = await voteWorkflow(stack, 20, 1);
  const guest = await guestFrom('192.0.2.99');
  const parameters = [[workflowId], [await idOf(guest)], [PER_GUEST], [PER_ADDRESS]];
  await guest.queue(workflowId, PER_GUEST);
  await stack.db.query('BEGIN');
  try {
    // The tables are small here, so the planner is told to take any index over a scan, as it would at scale.
    await stack.db.query('SET LOCAL enable_seqscan = off');
    const { rows } = await stack.db.query(`EXPLAIN ${WORKFLOWS_FOR_QUEUE}`, parameters);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/(Index|Index Only|Bitmap Index) Scan (using|on) assignments_guest_address_idx\b/);
    expect(plan).not.toMatch(/users_guest_address_idx/);

    // Held far past the limit (guests of a large class, before the limit was lowered): the count stops at the limit.
    await stack.db.query(
      "INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at, guest_address) SELECT $1, gen_random_uuid(), gen_random_uuid(), now() + interval '1 hour', '192.0.2.99' FROM generate_series(1, $2::int)",
      [workflowId, 4 * PER_ADDRESS],
    );
    const { rows: analysed } = await stack.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${WORKFLOWS_FOR_QUEUE}`, parameters);
    type PlanNode = { 'Index Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] };
    const read = (node: PlanNode): number =>
      (node['Index Name'] === 'assignments_guest_address_idx' ? node['Actual Rows'] * node['Actual Loops'] : 0) + (node.Plans ?? []).reduce((sum, child) => sum + read(child), 0);
    expect(read(analysed[0]['QUERY PLAN'][0].Plan)).toBe(PER_ADDRESS);
    expect((await stack.db.query(WORKFLOWS_FOR_QUEUE, parameters)).rows[0].address_room).toBe(0);
  } finally {
    await stack.db.query('ROLLBACK');
  }
});
