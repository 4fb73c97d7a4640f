// Pipeline benchmark (issue 5): sustained POST /classifications at concurrency 50 through the real API, and the
// aggregation lag from each 201 to its subject's consensus row, with the worker as its own process. Baseline,
// measured in the same run: plain INSERTs of the same rows through `pg` at the same concurrency.
// Each classification goes to a subject of its own, so every consensus row dates exactly one acknowledged answer.
// Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/pipeline.mjs [--seconds=20]
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { scratchDatabase, startApi, startWorker, stop, vacuumAnalyze } from './support.mjs';

const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 20);
const CONCURRENCY = 50;
const VOLUNTEERS = 2_000;
/** Enough subjects that no run, at any plausible rate, gives a volunteer the same subject twice. */
const SUBJECTS = Math.max(60_000, seconds * 12_000);
const ANNOTATIONS = [{ task: 'T0', value: 'yes' }];

async function seed(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const q = async (sql, params) => (await db.query(sql, params)).rows;
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench owner') RETURNING id");
  const volunteers = await q("INSERT INTO users (kind, display_name) SELECT 'guest', 'Volunteer ' || g FROM generate_series(1, $1) g RETURNING id", [VOLUNTEERS]);
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [owner.id]);
  const [set] = await q("INSERT INTO subject_sets (project_id, name) VALUES ($1, 'Bench') RETURNING id", [project.id]);
  const definition = {
    name: 'Bench', firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', algorithm: 'vote', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 1 }, selection: { order: 'random', goldStandardRate: 0 }, effects: [],
  };
  const workflowIds = [];
  for (const name of ['Submitted', 'Baseline']) {
    const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, $2, 'active', 1) RETURNING id", [project.id, name]);
    await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, definition]);
    await q('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id) VALUES ($1, $2)', [workflow.id, set.id]);
    workflowIds.push(workflow.id);
  }
  const subjects = await q(
    `INSERT INTO subjects (project_id, locations, external_id)
     SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Snippet ' || g || ': TO BE SOLD, a handsome coach.')), 'p' || g
     FROM generate_series(1, $2) g RETURNING id`,
    [project.id, SUBJECTS],
  );
  await q('INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $1, id, row_number() OVER () FROM subjects', [set.id]);
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT w, s.id FROM subjects s CROSS JOIN unnest($1::uuid[]) w', [workflowIds]);
  await db.end();
  await vacuumAnalyze(url);
  return { workflowId: workflowIds[0], baselineWorkflowId: workflowIds[1], userIds: volunteers.map((row) => row.id), subjectIds: subjects.map((row) => row.id) };
}

/** The baseline: the same rows, inserted by CONCURRENCY connections as fast as they go for the same time. */
async function plainInserts(url, { baselineWorkflowId, userIds, subjectIds }) {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  let next = 0;
  const until = Date.now() + seconds * 1000;
  const annotations = JSON.stringify(ANNOTATIONS);
  const lane = async () => {
    while (Date.now() < until) {
      const i = next++;
      await pool.query(
        'INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key) VALUES ($1, 1, $2, $3, $4, $5)',
        [baselineWorkflowId, subjectIds[i], userIds[i % userIds.length], annotations, randomUUID()],
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  await pool.end();
  return next / seconds;
}

/** Submits through the API; resolves to autocannon's result and the time each subject's 201 arrived. */
function submissions(root, { workflowId, subjectIds }, tokens) {
  const acknowledged = new Map();
  let next = 0;
  const requests = [{
    method: 'POST',
    path: '/api/v1/classifications',
    setupRequest: (request, context) => {
      const i = next++;
      context.subjectId = subjectIds[i];
      return {
        ...request,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ workflowId, workflowVersion: 1, subjectId: subjectIds[i], annotations: ANNOTATIONS }),
      };
    },
    onResponse: (status, _body, context) => {
      if (status === 201) acknowledged.set(context.subjectId, Date.now());
    },
  }];
  return new Promise((resolve, reject) => {
    autocannon({ url: root, connections: CONCURRENCY, duration: seconds, requests }, (error, result) => (error ? reject(error) : resolve({ result, acknowledged })));
  });
}

async function waitForAggregation(url, workflowId) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  for (;;) {
    const { rows: [row] } = await db.query('SELECT count(*)::int AS lagging FROM subject_workflow_status WHERE workflow_id = $1 AND aggregated_count < classification_count', [workflowId]);
    if (row.lagging === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { rows } = await db.query('SELECT subject_id, extract(epoch FROM computed_at) * 1000 AS at FROM consensus WHERE workflow_id = $1', [workflowId]);
  await db.end();
  return new Map(rows.map((row) => [row.subject_id, Number(row.at)]));
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const { url, drop } = await scratchDatabase('chorus_bench_pipeline');
const input = await seed(url);
console.error(`seeded ${SUBJECTS.toLocaleString('en')} subjects and ${VOLUNTEERS.toLocaleString('en')} volunteers`);
// The API gets as many connections as the baseline has, so both can commit CONCURRENCY transactions at once.
const api = await startApi(url, { userIds: input.userIds }, { DATABASE_POOL_SIZE: String(CONCURRENCY) });
const worker = await startWorker(url);
const root = `http://127.0.0.1:${api.port}`;

const baselinePerSecond = await plainInserts(url, input);
console.error(`baseline: ${baselinePerSecond.toFixed(0)} plain INSERTs/s`);
const started = Date.now();
const { result, acknowledged } = await submissions(root, input, api.tokens);
const consensusAt = await waitForAggregation(url, input.workflowId);
await stop(worker);
await stop(api.child);
await drop();

const lags = [...acknowledged].map(([subjectId, at]) => consensusAt.get(subjectId) - at).sort((a, b) => a - b);
const missing = lags.filter(Number.isNaN).length;
const lastConsensus = Math.max(...consensusAt.values());
const submitted = result.requests.average;
const endToEnd = acknowledged.size / ((lastConsensus - started) / 1000);
console.log(`\n| measure | value |\n|---|---:|`);
console.log(`| plain INSERTs / s (baseline, ${CONCURRENCY} connections) | ${baselinePerSecond.toFixed(0)} |`);
console.log(`| submits / s (POST /classifications, ${CONCURRENCY} connections) | ${submitted.toFixed(0)} |`);
console.log(`| submit / baseline | ${(submitted / baselinePerSecond).toFixed(2)} |`);
console.log(`| submit p50 / p99 ms | ${result.latency.p50} / ${result.latency.p99} |`);
console.log(`| classifications aggregated / s, end to end (first request to last consensus) | ${endToEnd.toFixed(0)} |`);
console.log(`| aggregation lag p50 / p95 / p99 ms (201 to consensus row) | ${quantile(lags, 0.5).toFixed(0)} / ${quantile(lags, 0.95).toFixed(0)} / ${quantile(lags, 0.99).toFixed(0)} |`);
console.log(`| acknowledged / errors / without consensus | ${acknowledged.size} / ${result.errors + result.non2xx} / ${missing} |`);
