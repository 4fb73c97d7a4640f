// The system the browser benchmarks drive: the built API and worker on a scratch database (started as `pnpm start`
// starts them), and a live one-question workflow over text subjects.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ChorusClient } from '@chorus/client';
import getPort from 'get-port';
import pg from 'pg';
import { root, startServices, waitFor } from '../infra/services.mjs';

/** Chromium's flags for a closed network (TOOLCHAIN.md), as the browser tests launch it. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The API and the worker on a scratch database and queue prefix, as `pnpm start` runs them. */
export async function startSystem() {
  const services = await startServices({ databaseName: 'postgres', log: (line) => console.log(`[bench] ${line}`) });
  const database = `chorus_bench_classifier_${process.pid}`;
  const databaseUrl = Object.assign(new URL(services.databaseUrl), { pathname: `/${database}` }).toString();
  const port = await getPort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: `{bench-classifier-${process.pid}}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_PROJECT: 'false',
    LOG_LEVEL: 'warn',
  };
  const api = spawn(process.execPath, [join(root, 'apps/api/dist/main.js')], { env, stdio: 'inherit' });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    const response = await fetch(`${baseUrl}/api/v1/health`);
    if (!response.ok) throw new Error(`health answered ${response.status}`);
  }, 'the API', 60_000);
  const worker = spawn(process.execPath, [join(root, 'apps/worker/dist/main.js')], { env, stdio: 'inherit' });
  const stopped = (child) => (child.exitCode === null ? new Promise((resolve) => child.on('exit', resolve)) : undefined);
  return {
    baseUrl,
    databaseUrl,
    async stop() {
      for (const child of [worker, api]) child.kill('SIGTERM');
      await Promise.all([stopped(worker), stopped(api)]);
      const admin = new pg.Client({ connectionString: services.databaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
      await services.stop();
    },
  };
}

/** A live project with a one-question workflow (two answers) over text subjects, as a researcher makes it. */
export async function makeWorkflow({ baseUrl, databaseUrl }, count) {
  const anonymous = new ChorusClient({ baseUrl });
  const account = { email: `bench-${Date.now()}@example.org`, password: 'a long bench password' };
  await anonymous.register({ ...account, displayName: 'Bench' });
  // No mail server here: the link mailed to the account is not at hand, so its email is marked verified directly.
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query('UPDATE users SET email_verified_at = now() WHERE email = $1', [account.email]).finally(() => db.end());
  const { token } = await anonymous.login(account);
  const client = anonymous.withToken(token);
  const project = await client.createProject({ title: 'Classifier benchmark', status: 'live' });
  const set = await client.createSubjectSet(project.id, { name: 'Snippets' });
  const text = 'WANTED: a steady boy to drive a carriage. Apply at 12 Mill Street.';
  const start = text.indexOf('carriage');
  await client.addSubjects(
    set.id,
    Array.from({ length: count }, (_, i) => ({ externalId: `snippet-${i}`, locations: [{ type: 'text', text, highlights: [[start, start + 8]] }], metadata: {} })),
  );
  const workflow = await client.createWorkflow(project.id, {
    name: 'Ad or not?',
    firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Is the highlighted word part of an advertisement?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 5 },
    subjectSetIds: [set.id],
  });
  await client.activateWorkflow(workflow.id);
  return { url: `${baseUrl}/projects/${project.slug}/workflows/${workflow.id}`, workflowId: workflow.id };
}
