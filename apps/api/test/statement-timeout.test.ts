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

/** Holds `table` locked from everyone else for `ms`, as a long statement of another request would. */
async function lockedFor(table: string, ms: number, meanwhile: () => Promise<void>): Promise<void> {
  await stack.db.query('BEGIN');
  await stack.db.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  const unlock = new Promise((resolve) => setTimeout(resolve, ms)).then(() => stack.db.query('COMMIT'));
  try {
    await meanwhile();
  } finally {
    await unlock;
  }
}

it('lets a download wait and stream for longer than the timeout', async () => {
  let download: Promise<Response> | undefined;
  await lockedFor('classifications', TIMEOUT_MS * 4, async () => {
    download = fetch(`${stack.baseUrl}/api/v1/workflows/${workflowId}/classifications?format=csv`, { headers: { authorization: `Bearer ${stack.client.token}` } });
  });
  const response = await download!;
  expect(response.status).toBe(200);
  expect(await response.text()).toMatch(/^classification_id,/);
});

it('ends a statement that runs longer with 503 and Retry-After, also on the connection a download has given back', async () => {
  await lockedFor('projects', TIMEOUT_MS * 4, async () => {
    const response = await fetch(`${stack.baseUrl}/api/v1/projects`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ type: 'urn:chorus:problem:database-timeout', detail: expect.stringContaining('DATABASE_STATEMENT_TIMEOUT_MS') });
  });
  expect((await fetch(`${stack.baseUrl}/api/v1/projects`)).status).toBe(200);
});
