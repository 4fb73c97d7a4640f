// The run command: Postgres and Redis (from DATABASE_URL / REDIS_URL, or started here), then the API (which also
// serves the built classifier) and the worker, until Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { root, startServices, waitFor } from './services.mjs';

const port = Number(process.env.PORT ?? 3000);
// Checked before anything starts: the health check below would otherwise find whatever already answers there.
if (!(await portIsFree(port))) {
  console.error(`Port ${port} is taken (another Chorus, or another server). Run on another one: PORT=${port + 1} pnpm start`);
  process.exit(1);
}
const services = await startServices({ databaseName: 'chorus' });
const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, PORT: String(port), AUTH_SECRET: process.env.AUTH_SECRET ?? keptSecret() };

// Each in a process group of its own, so that Ctrl-C reaches this process alone, which stops them in order: the API
// and the worker (which finishes its jobs, for up to 10 s), then Postgres and Redis. Ctrl-C again stops them at once.
const children = ['apps/api/dist/main.js', 'apps/worker/dist/main.js'].map((main) => spawn(process.execPath, [join(root, main)], { env, stdio: 'inherit', detached: true }));
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

let stopping = false;
async function stop(code) {
  if (stopping) {
    for (const child of children) child.kill('SIGINT');
    return;
  }
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.on('exit', resolve)) : undefined)));
  await services.stop();
  process.exit(code);
}
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
