import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase } from './services';
import { until } from './waiting';

const root = join(__dirname, '..', '..');

/** A process the fault test can kill and start again, as an operator (or a crash) would. */
export interface ManagedProcess {
  start(): Promise<void>;
  /** Kills with the signal and waits for the exit: its exit code (null when the signal ended it, or it was not running). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  restart(signal: NodeJS.Signals): Promise<void>;
  /** What it wrote since it last started (the last 20,000 characters of stdout and stderr). */
  output(): string;
  /** Its exit code once it has exited by itself (null while it runs, or when a signal ended it). */
  exitCode(): number | null;
}

/**
 * A port no one listens on, for a process the test starts later. Taken from below the kernel's range of ephemeral
 * ports where it has one: a port `listen(0)` hands out comes from that range, and before the process binds it, any
 * outgoing connection (the worker's to Postgres, starting beside the API) may take it as its local port.
 */
export async function freePort(): Promise<number> {
  const ephemeralLow = ephemeralPortsFrom();
  if (ephemeralLow === undefined || ephemeralLow <= LOWEST_CHOSEN_PORT + 1000) return listenOnce(0);
  for (let attempt = 0; ; attempt++) {
    const port = LOWEST_CHOSEN_PORT + Math.floor(Math.random() * (ephemeralLow - LOWEST_CHOSEN_PORT));
    try {
      return await listenOnce(port);
    } catch (error) {
      if (attempt >= 50) throw error;
    }
  }
}

const LOWEST_CHOSEN_PORT = 20_000;

function ephemeralPortsFrom(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : undefined;
  } catch {
    return undefined;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
    server.on('error', reject);
  });
}

// Several times an API's whole start (its route list alone is over 20,000 characters), so that its first warnings are still there to read.
const OUTPUT_KEPT = 200_000;

/** The last lines of `output`, whole, within about `OUTPUT_KEPT` characters: a line cut in two would read as no log line. */
function lastLines(output: string): string {
  if (output.length <= OUTPUT_KEPT) return output;
  const tail = output.slice(-OUTPUT_KEPT);
  return tail.slice(tail.indexOf('\n') + 1);
}

/** A process started from `command`, ready once `ready(output so far)` says so; its output is shown only if it fails to start. */
function managed(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, ready: (output: string) => Promise<boolean>): ManagedProcess {
  let child: ChildProcess | undefined;
  let output = '';
  const self: ManagedProcess = {
    async start() {
      output = '';
      child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (chunk) => (output = lastLines(output + chunk)));
      child.stderr!.on('data', (chunk) => (output = lastLines(output + chunk)));
      const deadline = Date.now() + 30_000;
      while (!(await ready(output).catch(() => false))) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async kill(signal) {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return null;
      const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
      running.kill(signal);
      // Until it exits, a later kill (SIGKILL, after a test that timed out) still reaches it.
      const code = await exited;
      if (child === running) child = undefined;
      return code;
    },
    async restart(signal) {
      await self.kill(signal);
      await self.start();
    },
    output: () => output,
    exitCode: () => child?.exitCode ?? null,
  };
  return self;
}

/** The lines of a process's output that are not JSON log lines (a stack trace printed to the console, say). */
export function linesNotJson(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });
}

/** redis-server from the PATH on its own port, keeping nothing on disk: a restart empties it. `settings`: more of its options. */
export function redisServer(port: number, settings: string[] = []): ManagedProcess {
  return managed('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...settings], {}, async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  });
}

/**
 * An app's process started against a redis-server of its own, which is then killed under it; resolves with the app
 * once `lost` says it has noticed. Both join `running` before they start, for the caller to kill after the test.
 */
export async function withRedisGone(running: ManagedProcess[], app: (redisUrl: string) => ManagedProcess, lost: (output: string) => boolean): Promise<ManagedProcess> {
  const redisPort = await freePort();
  const redis = redisServer(redisPort);
  const started = app(`redis://127.0.0.1:${redisPort}`);
  running.push(redis, started);
  await redis.start();
  await started.start();
  await redis.kill('SIGKILL');
  await until(async () => lost(started.output()), 'the process to notice that Redis is gone', 20_000);
  return started;
}

/** The API's own entry point (apps/api/dist/main.js) on 127.0.0.1 unless `env` says another `HOST`, ready when it answers HTTP. */
export function apiProcess(port: number, env: NodeJS.ProcessEnv): ManagedProcess {
  const entry = join(root, 'apps', 'api', 'dist', 'main.js');
  return managed('api', process.execPath, [entry], { HOST: '127.0.0.1', ...env, PORT: String(port), DEMO_PROJECT: 'false' }, async () => {
    await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    return true;
  });
}

/** The worker's own entry point (apps/worker/dist/main.js), ready when it says so (or when `ready` says). */
export function workerProcess(env: NodeJS.ProcessEnv, ready = (output: string) => output.includes('Chorus worker running')): ManagedProcess {
  const entry = join(root, 'apps', 'worker', 'dist', 'main.js');
  return managed('worker', process.execPath, [entry], env, async (output) => ready(output));
}

/**
 * For a file of process tests: a scratch database made before its tests, and the processes they start (pushed on
 * `running`), killed, last started first, before the database is dropped after them.
 */
export function processesOnScratchDatabase(): { running: ManagedProcess[]; url: () => string } {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const running: ManagedProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const started of running.reverse()) await started.kill('SIGKILL');
    await database?.drop();
  });
  return { running, url: () => database!.url };
}
