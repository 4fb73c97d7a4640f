import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { freePort } from '../../../test/support/processes';
import { type Stack, startStack } from '../../../test/support/stack';
import { JobProducer } from '../src/jobs/job-producer';

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

it('warns that aggregation could not be enqueued at most twice a minute, whatever the workflows, while Redis is away', async () => {
  const producer = stack.app.get(JobProducer);
  const warn = jest.spyOn((producer as unknown as { logger: Logger }).logger, 'warn');
  const clock = jest.spyOn(Date, 'now');
  const start = Date.now();
  try {
    // A workflow's submit every 6 s for 30 s: each finds the 5 s pause after the last failed add over, and tries again.
    for (let second = 0; second <= 30; second += 6) {
      clock.mockReturnValue(start + second * 1000);
      expect(await producer.aggregate(randomUUID())).toBe(false);
    }
    const warnings = warn.mock.calls.map(([message]) => String(message)).filter((message) => message.startsWith('could not enqueue aggregation'));
    expect(warnings).toEqual([expect.not.stringContaining('more since'), expect.stringMatching(/\(and 4 more since the last such warning\)$/)]);
  } finally {
    clock.mockRestore();
    warn.mockRestore();
  }
});
