import type { ChorusClient, OwnActivity } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { ACCOUNT_PASSWORD, newAccount, type TestAccount } from '../../../test/support/accounts';
import { refusal } from '../../../test/support/requests';
import { type Stack, startStack } from '../../../test/support/stack';
import { yesNoWorkflow } from '../../../test/support/workflows';
import { ownActivityPerDaySql } from '../src/activity/activity-sql';

/**
 * A volunteer's own classifications per day (`GET /account/activity`): theirs only, on chosen days (their created_at set
 * through the database), in the time zone asked for, one project or all, those carried in from a guest at sign-in
 * counted; bad parameters refused, named, as the project activity refuses them.
 */
let stack: Stack;
let account: TestAccount;
let projectId: string;
let otherProjectId: string;

const MARCH = { from: '2026-03-01', to: '2026-03-04' };
const perDay = (activity: OwnActivity) => activity.days.map(({ date, classifications }) => [date, classifications]);

/** Classifies the subject, then dates the classification `at`. */
async function classifyAt(who: ChorusClient, workflowId: string, subjectId: string, at: string): Promise<void> {
  const { id } = await who.classify({ workflowId, workflowVersion: 1, subjectId, annotations: [{ task: 'T0', value: 'yes' }] }, randomUUID());
  await stack.db.query('UPDATE classifications SET created_at = $2 WHERE id = $1', [id, at]);
}

beforeAll(async () => {
  stack = await startStack();
  const subjects = ['a', 'b', 'c'].map((externalId) => ({ externalId }));
  const one = await yesNoWorkflow(stack, subjects, 10);
  const other = await yesNoWorkflow(stack, subjects, 10);
  projectId = one.projectId;
  otherProjectId = other.projectId;
  account = await newAccount(stack, 'Mine');
  await classifyAt(account.client, one.workflowId, one.idOf.a!, '2026-03-01T10:00:00Z');
  await classifyAt(account.client, one.workflowId, one.idOf.b!, '2026-03-02T23:30:00Z'); // 3 March in Paris
  await classifyAt(account.client, other.workflowId, other.idOf.a!, '2026-03-03T09:00:00Z');
  // Another volunteer's, on the same days and subjects: not the account's.
  const someoneElse = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await classifyAt(someoneElse, one.workflowId, one.idOf.a!, '2026-03-01T11:00:00Z');
  await classifyAt(someoneElse, one.workflowId, one.idOf.c!, '2026-03-03T11:00:00Z');
  // A guest's, carried into the account when it signs in there.
  const asGuest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
  await classifyAt(asGuest, one.workflowId, one.idOf.c!, '2026-03-04T08:00:00Z');
  await asGuest.login({ email: account.email, password: ACCOUNT_PASSWORD });
});
afterAll(() => stack.stop());

describe('GET /account/activity', () => {
  it('counts the caller’s own classifications per day, those carried in from a guest too, nobody else’s, zero days included', async () => {
    const activity = await account.client.ownActivity(MARCH);
    expect(perDay(activity)).toEqual([
      ['2026-03-01', 1],
      ['2026-03-02', 1],
      ['2026-03-03', 1],
      ['2026-03-04', 1],
    ]);
    expect(activity).toMatchObject({ ...MARCH, timeZone: 'UTC', projectId: null, totals: { classifications: 4 } });
  });

  it('counts one project’s when asked for', async () => {
    expect(perDay(await account.client.ownActivity({ ...MARCH, projectId: otherProjectId }))).toEqual([
      ['2026-03-01', 0],
      ['2026-03-02', 0],
      ['2026-03-03', 1],
      ['2026-03-04', 0],
    ]);
    expect((await account.client.ownActivity({ ...MARCH, projectId })).totals.classifications).toBe(3);
  });

  it('counts the days of the time zone asked for: 23:30 UTC is the next day in Paris, the first moments of a day its own', async () => {
    expect(perDay(await account.client.ownActivity({ ...MARCH, timeZone: 'Europe/Paris', projectId }))).toEqual([
      ['2026-03-01', 1],
      ['2026-03-02', 0],
      ['2026-03-03', 1],
      ['2026-03-04', 1],
    ]);
    // 23:30 UTC on 2 March is 00:30 on the 3rd in Paris: the 3rd's alone, its first day.
    expect(perDay(await account.client.ownActivity({ from: '2026-03-03', to: '2026-03-03', timeZone: 'Europe/Paris', projectId }))).toEqual([['2026-03-03', 1]]);
    expect(perDay(await account.client.ownActivity({ from: '2026-03-02', to: '2026-03-02', timeZone: 'Europe/Paris', projectId }))).toEqual([['2026-03-02', 0]]);
    // 18:30 on the 2nd in New York.
    expect(perDay(await account.client.ownActivity({ from: '2026-03-02', to: '2026-03-02', timeZone: 'America/New_York', projectId }))).toEqual([['2026-03-02', 1]]);
  });

  it('answers the last 30 days up to today by default', async () => {
    const activity = await account.client.ownActivity();
    expect(activity.days).toHaveLength(30);
    expect(activity.to).toBe(new Date().toISOString().slice(0, 10));
  });

  it('answers a guest its own, and nobody without a token', async () => {
    const guest = stack.anonymous.withToken((await stack.anonymous.guest()).token);
    expect((await guest.ownActivity(MARCH)).totals.classifications).toBe(0);
    await refusal(stack.anonymous.ownActivity(MARCH), { status: 401 });
  });

  it('reads a volunteer’s days in one project by its workflows and the days, not through their whole history in every project', async () => {
    // A volunteer with a long history: a few hundred classifications in the project asked about, thousands in three
    // others (a sixth of them in the days asked for, the rest the year before), among others' classifications.
    const projects = [await yesNoWorkflow(stack, [{ externalId: 'x' }]), await yesNoWorkflow(stack, [{ externalId: 'x' }]), await yesNoWorkflow(stack, [{ externalId: 'x' }]), await yesNoWorkflow(stack, [{ externalId: 'x' }])];
    const [volunteer, crowd] = [(await stack.anonymous.guest()).user.id, (await stack.anonymous.guest()).user.id];
    for (const [index, { projectId: inProject, workflowId }] of projects.entries()) {
      await stack.db.query(
        `WITH made AS (INSERT INTO subjects (project_id, locations) SELECT $1, '[{"type": "text", "text": "A notice"}]' FROM generate_series(1, $4::int) RETURNING id),
         numbered AS (SELECT id, row_number() OVER () AS n FROM made)
         INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, created_at)
         SELECT $2, 1, id, who, '[]', gen_random_uuid()::text,
                CASE WHEN who = $5 OR n % 6 = 0 THEN '2026-04-01'::timestamptz + n * interval '6 minutes' ELSE '2025-03-01'::timestamptz + n * interval '1 hour' END
         FROM numbered, unnest(ARRAY[$3, $5]::uuid[]) AS who`,
        [inProject, workflowId, volunteer, index === 0 ? 300 : 6000, crowd],
      );
    }
    await stack.db.query('VACUUM ANALYZE classifications');
    const [{ 'QUERY PLAN': plan }] = (await stack.db.query(`EXPLAIN (FORMAT JSON) ${ownActivityPerDaySql(true)}`, [volunteer, '2026-04-01', '2026-04-30', 'UTC', projects[0]!.projectId])).rows;
    const scans = JSON.stringify(plan);
    expect(scans).toContain('"Index Name":"classifications_user_recent_idx"');
    // The volunteer's entries of the project's workflows in the days: not all theirs in the days, nor their whole history filtered.
    expect(scans).toMatch(/"Index Cond":"\(\(user_id = [^"]*\) AND \(workflow_id = [^"]*\) AND \(created_at >= [^"]*\) AND \(created_at < [^"]*\)\)"/);
    expect(scans).not.toContain('classifications_user_all_recent_idx');
  });

  it('refuses bad parameters with 422 naming each, as the project activity does', async () => {
    const { client } = account;
    await refusal(client.ownActivity({ from: '2026-3-1' }), { status: 422, pointers: ['/query/from'] });
    await refusal(client.ownActivity({ to: '1999-12-31' }), { status: 422, pointers: ['/query/to'] });
    await refusal(client.ownActivity({ from: '2026-03-05', to: '2026-03-01' }), { status: 422, pointers: ['/query/from'] });
    await refusal(client.ownActivity({ from: '2024-01-01', to: '2026-03-01' }), { status: 422, pointers: ['/query/from'] });
    await refusal(client.ownActivity({ ...MARCH, timeZone: 'Mars/Olympus' }), { status: 422, pointers: ['/query/timeZone'] });
    await refusal(client.ownActivity({ ...MARCH, timeZone: '+01:00' }), { status: 422, pointers: ['/query/timeZone'] });
    await refusal(client.ownActivity({ ...MARCH, projectId: 'not-a-project' }), { status: 422, pointers: ['/query/projectId'] });
    // A parameter of another route, or misspelt, is refused rather than ignored (every project's days, in UTC).
    await refusal(client.request('GET', '/account/activity?tz=Europe/Paris'), { status: 422, pointers: ['/query/tz'] });
    await refusal(client.request('GET', `/account/activity?workflowId=${randomUUID()}`), { status: 422, pointers: ['/query/workflowId'] });
  });
});
