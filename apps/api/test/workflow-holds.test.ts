import type { ChorusApiError, ChorusClient } from '@chorus/client';
import { randomUUID } from 'node:crypto';
import { newMember } from '../../../test/support/accounts';
import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.stop();
});

async function guest(): Promise<ChorusClient> {
  return stack.anonymous.withToken((await stack.anonymous.guest()).token);
}

const holdsIn = async (workflowId: string): Promise<number> =>
  (await stack.db.query('SELECT count(*)::int AS n FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflowId])).rows[0].n;

describe("a workflow's holds, ended by its researchers", () => {
  it('gives every held subject back to the pool at once, says how many, ends none the second time, and still takes the answers of those who held them', async () => {
    // Retired after two classifications: two volunteers may hold each subject, so the holds outnumber the subjects.
    const { workflowId, subjectIds } = await voteWorkflow(stack, 2, 2);
    const [first, second, latecomer] = [await guest(), await guest(), await guest()];
    const firstQueue = await first.queue(workflowId, 2);
    expect(firstQueue.subjects).toHaveLength(2);
    expect((await second.queue(workflowId, 2)).subjects).toHaveLength(2);
    expect(await latecomer.queue(workflowId, 2)).toMatchObject({ subjects: [], finished: false, heldBy: 'others' });

    expect(await stack.client.releaseAllHolds(workflowId)).toEqual({ released: 4, subjects: 2 });
    expect(await holdsIn(workflowId)).toBe(0);
    expect((await stack.client.stats(workflowId)).held).toBe(0);
    expect(await stack.client.releaseAllHolds(workflowId)).toEqual({ released: 0, subjects: 0 });

    // Another volunteer is served them at once.
    expect((await latecomer.queue(workflowId, 2)).subjects.map((subject) => subject.id).sort()).toEqual(subjectIds);

    // A page that still shows one: its renewal finds it no longer held but still wanted (not `gone`), so the page keeps
    // it; and its answer is stored.
    const [shown] = subjectIds;
    expect(await first.renewHolds(workflowId, [shown!])).toEqual({ held: [], gone: [], expiresAt: null, corrected: [] });
    const stored = await first.classify(
      { workflowId, workflowVersion: firstQueue.workflowVersion, subjectId: shown!, annotations: [{ task: 'T0', value: 'yes' }] },
      randomUUID(),
    );
    expect(stored).toMatchObject({ id: expect.any(String), replayed: false });
    expect(stored.afterRetirement).toBeUndefined();
    const { rows } = await stack.db.query('SELECT user_id FROM classifications WHERE workflow_id = $1 AND subject_id = $2', [workflowId, shown]);
    expect(rows).toHaveLength(1);
  });

  it('as of the stats shown, ends only the holds counted then (renewed since or not), none taken since, and says so', async () => {
    const { workflowId } = await voteWorkflow(stack, 3, 2);
    const [first, latecomer] = [await guest(), await guest()];
    const shown = (await first.queue(workflowId, 2)).subjects.map((subject) => subject.id);
    const { held, asOf } = await stack.client.stats(workflowId);
    expect(held).toBe(2);
    expect(asOf).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    // Between the count the researcher is shown and their confirmation: a hold renewed, and one taken.
    expect((await first.renewHolds(workflowId, shown)).held.sort()).toEqual([...shown].sort());
    const taken = (await latecomer.queue(workflowId, 1)).subjects.map((subject) => subject.id);
    expect(taken).toHaveLength(1);
    expect(await holdsIn(workflowId)).toBe(3);

    expect(await stack.client.releaseAllHolds(workflowId, asOf)).toEqual({ released: 2, subjects: 2 });
    const { rows } = await stack.db.query('SELECT user_id, subject_id FROM assignments WHERE workflow_id = $1 AND expires_at > now()', [workflowId]);
    expect(rows).toEqual([{ user_id: expect.any(String), subject_id: taken[0] }]);
    expect((await stack.client.stats(workflowId)).held).toBe(1);
  });

  it('counts as subjects back in the queue only those not retired, as the stats count those held', async () => {
    const { workflowId, subjectIds } = await voteWorkflow(stack, 1, 2);
    for (const volunteer of [await guest(), await guest()]) expect((await volunteer.queue(workflowId, 1)).subjects).toHaveLength(1);
    await stack.client.retireSubjects(workflowId, { subjectIds, reason: 'Fixed by hand' });
    expect(await holdsIn(workflowId)).toBe(2);
    const { held, asOf } = await stack.client.stats(workflowId);
    expect(held).toBe(0);
    expect(await stack.client.releaseAllHolds(workflowId, asOf)).toEqual({ released: 2, subjects: 0 });
  });

  it('refuses an asOf that is not a date and time with its zone, with a problem at the parameter, and ends nothing', async () => {
    const { workflowId } = await voteWorkflow(stack, 1);
    expect((await (await guest()).queue(workflowId, 1)).subjects).toHaveLength(1);
    for (const asOf of ['yesterday', '2026-12-03T17:05:03']) {
      const refused = await stack.client.releaseAllHolds(workflowId, asOf).then(() => undefined, (error: ChorusApiError) => error);
      expect(refused?.status).toBe(422);
      expect(refused?.problem.errors).toEqual([
        {
          pointer: '/query/asOf',
          message: 'must be a date and time with its zone, as `asOf` of GET /workflows/:id/stats gives it (2026-12-03T17:05:03.123456Z); leave it out to end every hold',
        },
      ]);
    }
    // A zone's "+" sent as it is arrives as a space: the downloads' `since` says how to send it, and so does `asOf`.
    const unencoded = await stack.client.request('DELETE', `/workflows/${workflowId}/holds?asOf=2026-12-03T17:05:03.123456+01:00`).then(() => undefined, (error: ChorusApiError) => error);
    expect(unencoded?.problem.errors).toEqual([{ pointer: '/query/asOf', message: expect.stringContaining('send the "+" of a zone such as +01:00 as %2B') }]);
    const typo = await stack.client.request('DELETE', `/workflows/${workflowId}/holds?asof=2026-12-03T17:05:03Z`).then(() => undefined, (error: ChorusApiError) => error);
    expect(typo?.problem.errors?.[0]?.pointer).toBe('/query/asof');
    expect(await holdsIn(workflowId)).toBe(1);
  });

  it('refuses anyone but the researchers of the project, with a problem, and ends nothing', async () => {
    const { projectId, workflowId } = await voteWorkflow(stack, 1);
    const volunteer = await guest();
    expect((await volunteer.queue(workflowId, 1)).subjects).toHaveLength(1);
    const moderator = await newMember(stack, projectId, 'moderator');
    const scientist = await newMember(stack, projectId, 'scientist');

    for (const token of [volunteer.token, moderator.token]) {
      const refused = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/holds`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/^Only the project's owner, collaborators and scientists may do this/);
    }
    expect(await holdsIn(workflowId)).toBe(1);
    const unknown = await fetch(`${stack.baseUrl}/api/v1/workflows/${randomUUID()}/holds`, { method: 'DELETE', headers: { authorization: `Bearer ${scientist.token}` } });
    expect(unknown.status).toBe(404);
    expect(await scientist.client.releaseAllHolds(workflowId)).toEqual({ released: 1, subjects: 1 });
  });
});
