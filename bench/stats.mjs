// Workflow figures benchmark: the statement of GET /workflows/:id/stats (apps/api's WORKFLOW_STATS) on one workflow of
// SIZE subjects and SIZE classifications from 10,000 volunteers (three in ten of its subjects retired, one in two
// hundred gold standard, a set of a hundredth unlinked, the team's tries in draft, 500 volunteers holding 10 each),
// timed as the tables are after their loading (visibility map not set: this machine's Postgres runs with autovacuum
// off) and after VACUUM, beside the count(DISTINCT user_id) it replaced, measured in the same run.
// Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/stats.mjs [size] [--volunteers=10000] [--runs=7] [--explain]
// (after `pnpm build`; `--explain` prints each plan, with EXPLAIN (ANALYZE, BUFFERS)).
import { createRequire } from 'node:module';
import pg from 'pg';
import { scratchDatabase } from './support.mjs';

const require = createRequire(new URL('../apps/api/dist/main.js', import.meta.url));
const { WORKFLOW_STATS } = require('./workflows/workflow-stats-sql.js');

const args = process.argv.slice(2);
const SIZE = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 7);
const EXPLAIN = args.includes('--explain');
const VOLUNTEERS = Number(args.find((a) => a.startsWith('--volunteers='))?.split('=')[1] ?? 10_000);
const BASELINE = 'SELECT count(DISTINCT user_id) FROM classifications WHERE workflow_id = $1 AND NOT made_in_draft';

async function seed(q) {
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench owner') RETURNING id");
  await q("INSERT INTO users (kind, display_name) SELECT 'guest', 'Volunteer ' || g FROM generate_series(1, $1) g", [VOLUNTEERS]);
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [owner.id]);
  const [kept, unlinked] = await q("INSERT INTO subject_sets (project_id, name) VALUES ($1, 'Kept'), ($1, 'Unlinked') RETURNING id", [project.id]);
  const definition = {
    name: 'Bench', firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: 1000 }, selection: { order: 'random' }, effects: [],
  };
  const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, 'Bench', 'active', 1) RETURNING id", [project.id]);
  await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, definition]);
  await q('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position) VALUES ($1, $2, 0)', [workflow.id, kept.id]);
  await q(
    `INSERT INTO subjects (project_id, locations, metadata, external_id, gold_standard)
     SELECT $1, '[{"type": "text", "text": "Snippet"}]', '{}', 'b' || g, CASE WHEN g % 200 = 0 THEN '{"T0": "yes"}'::jsonb END FROM generate_series(1, $2) g`,
    [project.id, SIZE],
  );
  await q(
    `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
     SELECT CASE WHEN n % 100 = 0 THEN $2::uuid ELSE $1::uuid END, id, n FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM subjects) s`,
    [kept.id, unlinked.id],
  );
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id, gold_standard) SELECT $1, id, gold_standard IS NOT NULL FROM subjects', [workflow.id]);
  // Volunteer v's k-th classification is of subject (v * 7919 + k * 10007) mod SIZE: no two alike, as the once-per-volunteer key wants.
  await q(
    `WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM subjects), v AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE kind = 'guest')
     INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
     SELECT $1, 1, s.id, v.id, '[{"task": "T0", "value": "yes"}]', gen_random_uuid()::text
     FROM v CROSS JOIN generate_series(0, $2 - 1) k JOIN s ON s.n = (v.n * 7919 + k * 10007) % $3`,
    [workflow.id, Math.max(1, Math.round(SIZE / VOLUNTEERS)), SIZE],
  );
  // The team's tries in draft: the owner's only classifications.
  await q(
    `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, made_in_draft)
     SELECT $1, 1, id, $2, '[{"task": "T0", "value": "no"}]', gen_random_uuid()::text, true FROM subjects ORDER BY id LIMIT 40`,
    [workflow.id, owner.id],
  );
  await q(
    `UPDATE subject_workflow_status st SET retired_at = now() - random() * interval '30 days', retirement_reason = 'count'
     FROM (SELECT id FROM subjects WHERE gold_standard IS NULL ORDER BY md5(id::text) LIMIT $1) s WHERE st.subject_id = s.id`,
    [Math.round(SIZE * 0.3)],
  );
  await q(
    `UPDATE subject_workflow_status st SET retired_at = coalesce(st.retired_at, now()),
       retirement_reason = CASE WHEN st.retired_at IS NULL THEN 'unlinked' ELSE st.retirement_reason END,
       retirement_detail = coalesce(st.retirement_detail, '{}'::jsonb) || '{"unlinked": true}'::jsonb
     FROM subject_set_members m WHERE m.subject_set_id = $1 AND st.subject_id = m.subject_id`,
    [unlinked.id],
  );
  await q(
    `WITH v AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM users WHERE kind = 'guest' LIMIT 500),
          s AS (SELECT subject_id AS id, row_number() OVER (ORDER BY md5(subject_id::text)) - 1 AS n FROM subject_workflow_status WHERE retired_at IS NULL)
     INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at)
     SELECT $1, v.id, s.id, now() + interval '1 day' FROM v CROSS JOIN generate_series(0, 9) k JOIN s ON s.n = v.n * 10 + k`,
    [workflow.id],
  );
  return workflow.id;
}

async function timed(q, sql, workflowId) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await q(sql, [workflowId]);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)], min: times[0] };
}

async function measure(q, workflowId, state) {
  const figures = await timed(q, WORKFLOW_STATS, workflowId);
  const baseline = await timed(q, BASELINE, workflowId);
  const ms = (value) => `${value.toFixed(0)} ms`;
  console.log(`${state}: stats median ${ms(figures.median)} (min ${ms(figures.min)}); count(DISTINCT user_id) alone median ${ms(baseline.median)}`);
  if (EXPLAIN) for (const row of await q(`EXPLAIN (ANALYZE, BUFFERS) ${WORKFLOW_STATS}`, [workflowId])) console.log(row['QUERY PLAN']);
}

const { url, drop } = await scratchDatabase('chorus_bench_stats');
const db = new pg.Client({ connectionString: url });
await db.connect();
const q = async (sql, params) => (await db.query(sql, params)).rows;
try {
  const started = performance.now();
  const workflowId = await seed(q);
  await q('ANALYZE');
  console.log(`seeded ${SIZE} subjects and ${(await q('SELECT count(*)::int AS n FROM classifications'))[0].n} classifications in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(JSON.stringify((await q(WORKFLOW_STATS, [workflowId]))[0]));
  await measure(q, workflowId, 'not vacuumed (visibility map unset)');
  await q('VACUUM ANALYZE');
  await measure(q, workflowId, 'after VACUUM');
} finally {
  await db.end();
  await drop();
}
