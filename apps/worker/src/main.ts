import { refuseMissingRedisDatabase } from '@chorus/jobs';
import { createWorker } from './bootstrap';
import { loadConfig } from './config/config';
import { closeWorker } from './worker.module';

/** A lifecycle line, in the log's JSON shape, written whatever LOG_LEVEL says: whoever starts the worker waits for them. */
const log = (msg: string, level = 30) => console.log(JSON.stringify({ level, time: Date.now(), pid: process.pid, name: 'worker', msg }));

async function main(): Promise<void> {
  const config = loadConfig();
  await refuseMissingRedisDatabase(config.redisUrl);
  const app = await createWorker(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // Ctrl-C pressed again (the run command passes it on as SIGINT); a SIGTERM repeated leaves the drain to go on.
      if (signal !== 'SIGINT') return;
      log('SIGINT again: stopping now', 40);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: draining jobs, then stopping (at most ${config.drainDeadlineMs / 1000} s; Ctrl-C again stops at once)`);
    setTimeout(() => {
      log(`jobs still running after ${config.drainDeadlineMs / 1000} s: stopping without them (they run again later)`, 40);
      process.exit(1);
    }, config.drainDeadlineMs);
    try {
      await closeWorker(app);
    } catch (error) {
      log(`could not stop cleanly: ${(error as Error).message}`, 50);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  log('Chorus worker running');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
