import { refuseMissingRedisDatabase } from '@chorus/jobs';
import { createApp } from './bootstrap';
import { listenFailure, loadConfig, securityWarnings } from './config/config';

async function main(): Promise<void> {
  const config = loadConfig();
  await refuseMissingRedisDatabase(config.redisUrl);
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host }).catch((error: Error) => {
    throw listenFailure(error, config);
  });
  const log = app.getHttpAdapter().getInstance().log;
  log.info({ url: await app.getUrl() }, 'Chorus API listening');
  for (const warning of securityWarnings(config)) log.warn(warning);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
