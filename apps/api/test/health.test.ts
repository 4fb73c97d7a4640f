import { freePort } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';

/** The API whose Redis is away (nothing listens where REDIS_URL points): it still serves, and says it is degraded. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
});
afterAll(async () => {
  await stack?.stop();
});

it('answers health 200, degraded, while only Redis is away, and goes on serving', async () => {
  const response = await fetch(`${stack.baseUrl}/api/v1/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'degraded', postgres: 'up', redis: 'down', aggregationWorkers: null });
  expect((await stack.anonymous.guest()).token).toEqual(expect.any(String));
});
