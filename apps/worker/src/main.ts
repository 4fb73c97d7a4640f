import { createWorker } from './bootstrap';
import { loadConfig } from './config/config';
import { closeWorker } from './worker.module';

async function main(): Promise<void> {
  const app = await createWorker(loadConfig());
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ level: 30, name: 'worker', msg: `${signal}: draining jobs, then stopping` }));
    await closeWorker(app);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  console.log(JSON.stringify({ level: 30, name: 'worker', msg: 'Chorus worker running' }));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
