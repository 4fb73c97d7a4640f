// The run command: Postgres and Redis (from DATABASE_URL / REDIS_URL, or started here), then the API (which also
// serves the built classifier) and the worker, until Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, startServices, waitFor } from './services.mjs';

// Ctrl-C reaches every process of the terminal's process group at once. So everything runs under a copy of this
// script in a group of its own, and only this one hears it: it passes the first Ctrl-C (or SIGTERM, SIGHUP) on as
// SIGTERM, which stops the API and the worker (which finishes its jobs, for up to 10 s) and then Postgres and Redis,
// in that order, and a second one as SIGINT, which stops them at once.
if (process.env.CHORUS_RUN_GROUP) await run();
else {
  const group = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, CHORUS_RUN_GROUP: '1' }, stdio: 'inherit', detached: true });
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => group.kill(signals++ === 0 ? 'SIGTERM' : 'SIGINT'));
  group.on('exit', (code) => process.exit(code ?? 1));
}

async function run() {
  const port = Number(process.env.PORT ?? 3000);
  // Checked before anything starts: the health check below would otherwise find whatever already answers there.
  if (!(await portIsFree(port))) {
    console.error(`Port ${port} is taken (another Chorus, or another server). Run on another one: PORT=${port + 1} pnpm start`);
    process.exit(1);
  }
  const mains = ['apps/api/dist/main.js', 'apps/worker/dist/main.js'];
  const unbuilt = mains.filter((main) => !existsSync(join(root, main)));
  if (unbuilt.length) {
    console.error(`${unbuilt.join(' and ')} not built yet: run \`pnpm start\` (which builds first), or \`pnpm build\` and then this again.`);
    process.exit(1);
  }
  const services = await startServices({ databaseName: 'chorus' });
  const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, PORT: String(port), AUTH_SECRET: process.env.AUTH_SECRET ?? keptSecret() };
  // Its own embedded Postgres starts without the database: created at first run whatever NODE_ENV says.
  if (!process.env.DATABASE_URL) env.DATABASE_CREATE ??= 'true';
  const children = mains.map((main) => spawn(process.execPath, [join(root, main)], { env, stdio: 'inherit' }));

  let stopping = false;
  const stop = async (code) => {
    if (stopping) {
      for (const child of children) child.kill('SIGINT');
      return;
    }
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.on('exit', resolve)) : undefined)));
    await services.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const child of children) child.on('exit', (code) => !stopping && void stop(code ?? 1));

  const base = `http://localhost:${port}`;
  await waitFor(async () => {
    const response = await fetch(`${base}/api/v1/health`);
    if (!response.ok) throw new Error(`health answered ${response.status}`);
  }, 'the API', 60_000);
  console.log(`
  Chorus is running (Ctrl-C stops it).
    Classifier   ${base}/
    API          ${base}/api/v1   (health: ${base}/api/v1/health)
    API docs     ${base}/api/docs
  ${process.env.SMTP_URL ? `Mails go through ${new URL(process.env.SMTP_URL).host}.` : 'Mails (email verification, password resets, invitations) are written to this log, links and all; set SMTP_URL to send them.'}
`);
}

/** Whether nothing listens on `port` yet (on any address, as the API will listen). */
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/**
 * A secret of this checkout's own for signing tokens, made once and kept in .data/: the API's development default is
 * in its source for anyone to read, and this API listens on every address of the machine.
 */
function keptSecret() {
  const file = join(root, '.data', 'auth-secret');
  if (!existsSync(file)) {
    mkdirSync(join(root, '.data'), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
