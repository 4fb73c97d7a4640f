import { createApp } from './bootstrap';
import { loadConfig } from './config/config';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  app.getHttpAdapter().getInstance().log.info({ url: await app.getUrl() }, 'Chorus API listening');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
