import { type Stack, startStack } from '../../../test/support/stack';
import { voteWorkflow } from '../../../test/support/workflows';

/**
 * DATABASE_STATEMENT_TIMEOUT_MS ends a statement that runs too long, so that it cannot hold a connection of the pool
 * for ever; downloads, whose cursors last as long as their clients read, are exempt. The pool has one connection, so
 * every request here uses the one a download used before it.
 */
const TIMEOUT_MS = 300;
let stack: Stack;
let workflowId: string;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { DATABASE_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS), DATABASE_POOL_SIZE: '1' } });
  ({ workflowId } = await voteWorkflow(stack, 3));
}, 60_000);
afterAll(() => stack.stop());

/** Holds what `lock` locks (a table, rows) from everyone else for `ms`, as a long statement of another request would. */
async function lockedFor(lock: string, ms: number, meanwhile: () => Promise<void>): Promise<void> {
  await stack.db.query('BEGIN');
  await stack.db.query(lock);
  const unlock = new Promise((resolve) => setTimeout(resolve, ms)).then(() => stack.db.query('COMMIT'));
  try {
    await meanwhile();
  } finally {
    await unlock;
  }
}

it('lets a download wait and stream for longer than the timeout', async () => {
  let download: Promise<Response> | undefined;
  await lockedFor('LOCK TABLE classifications IN ACCESS EXCLUSIVE MODE', TIMEOUT_MS * 4, async () => {
    download = fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/classifications?format=csv`, { headers: { authorization: `Bearer ${stack.client.token}` } });
  });
  const response = await download!;
  expect(response.status).toBe(200);
  expect(await response.text()).toMatch(/^classification_id,/);
});

it('ends a statement that runs longer with 503 and Retry-After, also on the connection a download has given back', async () => {
  const download = await fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/classifications?format=csv`, { headers: { authorization: `Bearer ${stack.client.token}` } });
  await download.text(); // on the pool's one connection, which then serves the request below
  await lockedFor('LOCK TABLE projects IN ACCESS EXCLUSIVE MODE', TIMEOUT_MS * 4, async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/projects`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ type: 'urn:chorus:problem:database-timeout', detail: expect.stringContaining('DATABASE_STATEMENT_TIMEOUT_MS') });
  });
  expect((await fetch(`${stack.baseUrl}/api/v1/projects`)).status).toBe(200);
});

it("lets a researcher's work on a whole set wait for as long as it must: retrying would not make it shorter", async () => {
  const { rows } = await stack.db.query('SELECT subject_set_id FROM workflow_subject_sets WHERE workflow_id = $1', [workflowId]);
  let retired: Promise<{ status: number; body: unknown }> | undefined;
  // A subject's hot row held, as a submit holds it while it commits: the retirement waits for it.
  await lockedFor(`SELECT 1 FROM subject_workflow_status WHERE workflow_id = '${workflowId}' LIMIT 1 FOR UPDATE`, TIMEOUT_MS * 4, async () => {
    retired = stack.client.request('POST', `/workflows/${workflowId}/retire`, { subjectSetId: rows[0].subject_set_id, reason: 'done elsewhere' });
  });
  expect(await retired!).toMatchObject({ status: 200, body: { retired: 3 } });
});

it("lets a researcher's change of one subject wait for its row as long as it must, its images described as its correction", async () => {
  const { rows } = await stack.db.query('SELECT s.id, s.locations FROM subjects s JOIN subject_workflow_status w ON w.subject_id = s.id WHERE w.workflow_id = $1 LIMIT 1', [workflowId]);
  const [{ id, locations }] = rows;
  const changes = [
    () => stack.client.request('PUT', `/subjects/${id}/image-descriptions`, { descriptions: [null] }),
    () => stack.client.request('PATCH', `/subjects/${id}`, { locations, reason: 'the same address, checked' }),
  ];
  for (const change of changes) {
    let changed: Promise<{ status: number }> | undefined;
    // The subject's row held, as a submit holds it while it commits: the change waits for it.
    await lockedFor(`SELECT 1 FROM subjects WHERE id = '${id}' FOR UPDATE`, TIMEOUT_MS * 4, async () => {
      changed = change();
    });
    expect((await changed!).status).toBe(200);
  }
});
