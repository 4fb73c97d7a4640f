/**
 * The worker process (its built entry point) started while Redis is away: its queues and workers say so in throttled
 * JSON warnings on stdout, never as bare stack traces on stderr (a queue used to meet the lost Redis before anything
 * listened to its errors, while the database was opened).
 */
import { freePort, linesNotJson, processesOnScratchDatabase, workerProcess } from '../support/processes';

jest.setTimeout(60_000);

const { running, url: databaseUrl } = processesOnScratchDatabase();

it('says so in JSON log lines only when Redis is away from the start', async () => {
  const nothingThere = await freePort();
  const warned = (output: string) => ['aggregation', 'reaggregation', 'maintenance'].every((name) => output.includes(`"msg":"${name} queue: `) && output.includes(`"msg":"${name} worker: `));
  const worker = workerProcess({ DATABASE_URL: databaseUrl(), REDIS_URL: `redis://127.0.0.1:${nothingThere}`, QUEUE_PREFIX: '{worker-redis-away}', LOG_LEVEL: 'info' }, warned);
  running.push(worker);
  await worker.start();
  // Reconnecting meanwhile, each connection fails again.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(linesNotJson(worker.output())).toEqual([]);
});
