// Queue benchmark (issue 4): GET /workflows/:id/queue?limit=10 at concurrency 50 beside two baselines measured in
// the same run (the same server answering a constant JSON body of the same size, through Nest and through bare
// Fastify; see api-server.mjs), with the CPU the API and Postgres spend per request, at 10k, 100k and 1M subjects, with
// 10,000 volunteers with history, one of whom has seen 100,000 subjects (or half the workflow, if smaller).
// Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/queue.mjs [sizes...] [--seconds=10] [--connections=50] [--order=sequential] [--sets=3] [--retired=30000] [--gold=5000]
// BENCH_PERF=dir records the whole machine with `perf record -a -g` during each measured queue run, into
// dir/queue-<size>.data (read it with `perf report -i ... --comm postgres`).
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuMeter } from './cpu.mjs';
import { postgresMemory, scratchDatabase, startApi, stop, vacuumAnalyze } from './support.mjs';

const args = process.argv.slice(2);
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const SIZES = sizes.length ? sizes : [10_000, 100_000, 1_000_000];
const VOLUNTEERS = 10_000;
const HISTORY_PER_VOLUNTEER = 10;
const HEAVY_HISTORY = 100_000;
/** The issue's figure is at 50; `--connections=N` shows how latency follows the number of requests in flight. */
const CONCURRENCY = Number(args.find((a) => a.startsWith('--connections='))?.split('=')[1] ?? 50);
const POOL = 1000;
/**
 * `--reuse` measures a database an earlier run kept, as it is (after ending its assignments), instead of seeding anew,
 * and keeps the databases it measures (as BENCH_KEEP=1 does).
 */
const REUSE = args.includes('--reuse');
/** `--floors` also measures the least an arbiter of assignments costs, in Postgres and in Redis (see api-server.mjs). */
const FLOORS = args.includes('--floors');
/**
 * `--order=sequential` (or `priority`) seeds the workflow with that selection order instead of `random`, and
 * `--sets=N` splits its subjects into N linked sets (one after another in `sequential` order).
 */
const ORDER = args.find((a) => a.startsWith('--order='))?.split('=')[1] ?? 'random';
const SETS = Number(args.find((a) => a.startsWith('--sets='))?.split('=')[1] ?? 1);
/**
 * `--retired=N` retires the workflow's first N subjects in sequential order (its sets one after another, each in its
 * order), as a sequential workflow retires from the front, and lets the worker's step that follows retirements move
 * the sets' retired fronts past them (where the database has them: migration `SequenceFronts`).
 */
const RETIRED = Number(args.find((a) => a.startsWith('--retired='))?.split('=')[1] ?? 0);
/**
 * `--gold=N` adds N gold-standard subjects to the workflow (beside the size's others, in its sets after them) and gives
 * them `GOLD_RATE` of the slots, about one of each batch of ten: each such slot ranks them for the volunteer.
 */
const GOLD = Number(args.find((a) => a.startsWith('--gold='))?.split('=')[1] ?? 0);
const GOLD_RATE = 0.1;

async function seed(url, size) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const q = async (sql, params) => (await db.query(sql, params)).rows;
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench owner') RETURNING id");
  await q("INSERT INTO users (kind, display_name) SELECT 'guest', 'Volunteer ' || g FROM generate_series(1, $1) g", [VOLUNTEERS]);
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [owner.id]);
  const sets = await q("INSERT INTO subject_sets (project_id, name) SELECT $1, 'Bench ' || g FROM generate_series(1, $2) g RETURNING id", [project.id, SETS]);
  const definition = {
    name: 'Bench', firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 1000 }, selection: { order: ORDER, goldStandardRate: GOLD ? GOLD_RATE : 0 }, effects: [],
  };
  const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, 'Bench', 'active', 1) RETURNING id", [project.id]);
  await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, definition]);
  await q('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position) SELECT $1, id, ordinality - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS s(id)', [
    workflow.id,
    sets.map((set) => set.id),
  ]);
  await q(
    `INSERT INTO subjects (project_id, locations, metadata, external_id)
     SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Snippet ' || g || ': TO BE SOLD, a handsome coach, nearly new, with harness.', 'highlights', jsonb_build_array(jsonb_build_array(0, 7)))),
            jsonb_build_object('page', g % 400), 'b' || g
     FROM generate_series(1, $2) g`,
    [project.id, size],
  );
  await q(
    `INSERT INTO subjects (project_id, locations, metadata, external_id, gold_standard)
     SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Known ' || g || ': TO BE SOLD, a grey mare.')), '{}', 'g' || g, '{"T0": "yes"}'
     FROM generate_series(1, $2) g`,
    [project.id, GOLD],
  );
  await q(
    `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
     SELECT ($1::uuid[])[1 + s.n % cardinality($1::uuid[])], s.id, s.n FROM (SELECT id, row_number() OVER (ORDER BY external_id) AS n FROM subjects) s`,
    [sets.map((set) => set.id)],
  );
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id, gold_standard) SELECT $1, id, gold_standard IS NOT NULL FROM subjects', [workflow.id]);
  await q(
    `WITH v AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE kind = 'guest'),
          s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM subjects)
     INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
     SELECT $1, 1, s.id, v.id, '[{"task":"T0","value":"yes"}]', gen_random_uuid()::text
     FROM v CROSS JOIN generate_series(0, $2 - 1) k JOIN s ON s.n = (v.n * $2 + k) % $3`,
    [workflow.id, HISTORY_PER_VOLUNTEER, size],
  );
  const heavyHistory = Math.min(HEAVY_HISTORY, Math.floor(size / 2));
  const [heavy] = await q("INSERT INTO users (kind, display_name) VALUES ('guest', 'Heavy volunteer') RETURNING id");
  await q(
    `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
     SELECT $1, 1, id, $2, '[{"task":"T0","value":"no"}]', gen_random_uuid()::text FROM (SELECT id FROM subjects ORDER BY random() LIMIT $3) s`,
    [workflow.id, heavy.id, heavyHistory],
  );
  await q(
    `UPDATE subject_workflow_status st SET classification_count = c.n, aggregated_count = c.n, counted_count = c.n
     FROM (SELECT subject_id, count(*)::int AS n FROM classifications GROUP BY subject_id) c WHERE st.subject_id = c.subject_id`,
  );
  if (RETIRED) await retireFront(q, workflow.id);
  const sample = await q("SELECT id FROM users WHERE kind = 'guest' AND display_name <> 'Heavy volunteer' ORDER BY random() LIMIT $1", [POOL + 1]);
  await db.end();
  await vacuumAnalyze(url);
  return { workflowId: workflow.id, userIds: [heavy.id, ...sample.map((row) => row.id)], heavyHistory };
}

/** Retires the first `RETIRED` subjects in sequential order, then advances the fronts as the worker would. */
async function retireFront(q, workflowId) {
  await q(
    `UPDATE subject_workflow_status st SET retired_at = now(), retirement_reason = 'manual' FROM (
       SELECT m.subject_id FROM workflow_subject_sets l JOIN subject_set_members m ON m.subject_set_id = l.subject_set_id
       WHERE l.workflow_id = $1 ORDER BY l.position, l.subject_set_id, m.position, m.subject_id LIMIT $2) front
     WHERE st.workflow_id = $1 AND st.subject_id = front.subject_id`,
    [workflowId, RETIRED],
  );
  const [{ fronts }] = await q("SELECT to_regproc('advance_sequence_fronts') IS NOT NULL AS fronts");
  if (fronts) await q('SELECT advance_sequence_fronts($1)', [workflowId]);
  console.error(`retired the first ${RETIRED.toLocaleString('en')} subjects in sequential order${fronts ? ', fronts advanced' : ' (this build keeps no retired fronts)'}`);
}

/** What `seed` answered for a database it seeded, read back from a kept one. */
async function seeded(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const q = async (sql, params) => (await db.query(sql, params)).rows;
  await q('DELETE FROM assignments');
  const [workflow] = await q('SELECT id FROM workflows');
  const [heavy] = await q("SELECT u.id, (SELECT count(*)::int FROM classifications c WHERE c.user_id = u.id) AS seen FROM users u WHERE display_name = 'Heavy volunteer'");
  const sample = await q("SELECT id FROM users WHERE kind = 'guest' AND display_name <> 'Heavy volunteer' ORDER BY random() LIMIT $1", [POOL + 1]);
  await db.end();
  await vacuumAnalyze(url);
  return { workflowId: workflow.id, userIds: [heavy.id, ...sample.map((row) => row.id)], heavyHistory: heavy.seen };
}

/**
 * Volunteers classify what they are given and move on; these do not, so a loop ends their assignments 0.2 s after
 * they were made, as classifying would. Each volunteer so holds a few subjects, and the volunteer who makes one
 * request in ten (up to 100 a second, far more than a person) stays under MAX_OUTSTANDING_ASSIGNMENTS (and its guests' limit: these are guests), raised to
 * 1,000 for this: every answer is a full batch, as the "answer size" column checks.
 * The loop also vacuums `assignments` once a second, standing in for autovacuum, which this machine's Postgres has
 * off: the table takes and loses some 15,000 rows a second here, and unvacuumed it doubled the database's cost per
 * request within a minute. Resolves, once connected, to `{ pid, stop }`: the Postgres process that does this work
 * (its CPU is the volunteers' side, not the queue's) and how to end it.
 */
async function releaseAssignments(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const [{ pid }] = (await db.query('SELECT pg_backend_pid() AS pid')).rows;
  let running = true;
  const loop = (async () => {
    for (let round = 1; running; round++) {
      await db.query("DELETE FROM assignments WHERE assigned_at < now() - interval '0.2 seconds'");
      if (round % 10 === 0) await db.query('VACUUM ANALYZE assignments');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await db.end();
  })();
  const stop = async () => {
    running = false;
    await loop;
  };
  return { pid, stop };
}

/** One in ten requests comes from the volunteer with the long history; the rest from a pool of 1,000 others. */
function load(url, tokens, duration = seconds) {
  const pick = () => (Math.random() < 0.1 ? tokens[0] : tokens[1 + Math.floor(Math.random() * (tokens.length - 1))]);
  const requests = [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${pick()}` } }) }];
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONCURRENCY, duration, requests }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const summary = (r) => ({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, bytesPerAnswer: r.throughput.total / r.requests.total });
const rows = [];
for (const size of SIZES) {
  const { url, reused, drop } = await scratchDatabase(`chorus_bench_${size}`, { reuse: REUSE });
  const started = Date.now();
  const input = reused ? await seeded(url) : await seed(url, size);
  console.error(`${reused ? 'reused' : 'seeded'} ${size.toLocaleString('en')} subjects in ${((Date.now() - started) / 1000).toFixed(0)} s (heavy volunteer has seen ${input.heavyHistory.toLocaleString('en')})`);
  const server = await startApi(url, { ...input, probeQueue: true, floors: FLOORS && { subjects: size } }, { MAX_OUTSTANDING_ASSIGNMENTS: '1000', MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST: '1000' });
  const root = `http://127.0.0.1:${server.port}`;
  const baselines = {};
  const floorRoutes = FLOORS ? [['postgres', '/api/v1/bench/postgres-round-trip'], ['redis', '/api/v1/bench/redis-pick']] : [];
  for (const [name, path] of [['raw', '/bench/raw'], ['nest', '/api/v1/bench/constant'], ...floorRoutes]) {
    await load(`${root}${path}`, server.tokens, 3); // warm-up
    const meter = cpuMeter((p) => (p.pid === server.child.pid ? 'api' : 'rest'));
    baselines[name] = summary(await load(`${root}${path}`, server.tokens));
    baselines[name].apiCpuMs = (meter().api * 1000) / (baselines[name].rps * seconds);
  }
  const releaser = await releaseAssignments(url);
  const queueUrl = `${root}/api/v1/workflows/${input.workflowId}/queue?limit=10`;
  await load(queueUrl, server.tokens, 3); // warm-up, as for the baselines: caches and prepared statements
  const meter = cpuMeter((p) =>
    p.pid === server.child.pid ? 'api' : p.pid === releaser.pid ? 'releaser' : p.name === 'postgres' ? 'postgres' : p.pid === process.pid ? 'autocannon' : 'other',
  );
  const perf = process.env.BENCH_PERF
    ? spawn('perf', ['record', '-a', '-g', '-o', `${process.env.BENCH_PERF}/queue-${size}.data`, '--', 'sleep', String(seconds)], { stdio: 'ignore' })
    : undefined;
  const queue = summary(await load(queueUrl, server.tokens));
  const cpu = meter();
  if (perf && perf.exitCode === null) await new Promise((resolve) => perf.once('exit', resolve));
  await releaser.stop();
  const cpuPerRequest = Object.fromEntries(Object.entries(cpu).map(([group, secondsUsed]) => [group, (secondsUsed * 1000) / (queue.rps * seconds)]));
  rows.push({ size, bodyBytes: server.bodyBytes, ...baselines, queue, cpuPerRequest, full: queue.bytesPerAnswer / baselines.nest.bytesPerAnswer });
  console.error(
    `${size}: raw baseline ${baselines.raw.rps.toFixed(0)} req/s, Nest baseline ${baselines.nest.rps.toFixed(0)} req/s (API CPU ${baselines.nest.apiCpuMs.toFixed(2)} ms per request), queue ${queue.rps.toFixed(0)} req/s ` +
      `(p50 ${queue.p50} ms, p99 ${queue.p99} ms, errors ${queue.errors + baselines.nest.errors}, answer size vs baseline ${rows.at(-1).full.toFixed(2)}); ` +
      `CPU ms per queue request: ${Object.entries(cpuPerRequest).map(([group, ms]) => `${group} ${ms.toFixed(2)}`).join(', ')}`,
  );
  for (const [name] of floorRoutes) {
    const floor = baselines[name];
    console.error(`${size}: floor "${name}" ${floor.rps.toFixed(0)} req/s (${(floor.rps / baselines.nest.rps).toFixed(2)} of the Nest baseline), p50 ${floor.p50} ms, p99 ${floor.p99} ms, errors ${floor.errors}`);
  }
  await stop(server.child);
  await drop();
}

const smallest = rows[0];
const ratio = (row) => row.queue.rps / row.nest.rps;
/** CPU the API and Postgres spend on one request: the cost of a request, which the machine's noise moves far less than throughput. */
const cost = (row) => row.cpuPerRequest.api + row.cpuPerRequest.postgres;
const vs = smallest.size.toLocaleString('en');
console.log(`\nautocannon connections: ${CONCURRENCY}; Postgres: ${await postgresMemory()}`);
console.log(
  `\n| subjects | body bytes | raw Fastify req/s | Nest baseline req/s | queue req/s | queue / Nest baseline | queue / raw | queue p50 ms | queue p99 ms | errors | answer size vs baseline | CPU ms per request (API + Postgres) | queue req/s vs ${vs} | queue / Nest vs ${vs} | ${vs}'s CPU per request / this |`,
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${row.size.toLocaleString('en')} | ${row.bodyBytes} | ${row.raw.rps.toFixed(0)} | ${row.nest.rps.toFixed(0)} | ${row.queue.rps.toFixed(0)} | ${ratio(row).toFixed(2)} | ${(row.queue.rps / row.raw.rps).toFixed(2)} | ${row.queue.p50} | ${row.queue.p99} | ${row.queue.errors + row.nest.errors} | ${row.full.toFixed(2)} | ${row.cpuPerRequest.api.toFixed(2)} + ${row.cpuPerRequest.postgres.toFixed(2)} | ${(row.queue.rps / smallest.queue.rps).toFixed(2)} | ${(ratio(row) / ratio(smallest)).toFixed(2)} | ${(cost(smallest) / cost(row)).toFixed(2)} |`,
  );
}
