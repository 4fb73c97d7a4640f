// Workflow figures benchmark: the statement of GET /workflows/:id/stats (apps/api's WORKFLOW_STATS) on one workflow of
// SIZE subjects (three in ten retired, one in two hundred gold standard, a set of a hundredth unlinked, 500 volunteers
// holding 10 each) and SIZE classifications, loaded once for each number of volunteers (--volunteers, a comma-separated
// list) with a long tail (volunteer floor(V * (i / SIZE)^2) made classification i: a few make most, most make a few),
// and the team's tries in draft. Timed as the tables are after their loading (visibility map not set: this machine's
// Postgres runs with autovacuum off) and after VACUUM, its volunteers counted three ways, alternated in one run: a
// streaming DISTINCT (the statement), the skip scan it replaced, and count(DISTINCT user_id) before that.
// Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/stats.mjs [size] [--volunteers=10000,300000] [--runs=7] [--explain]
// (after `pnpm build`; `--explain` prints each way's plan, with EXPLAIN (ANALYZE, BUFFERS)).
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import pg from 'pg';
import { scratchDatabase } from './support.mjs';

const require = createRequire(new URL('../apps/api/dist/main.js', import.meta.url));
const { WORKFLOW_STATS } = require('./workflows/workflow-stats-sql.js');

const args = process.argv.slice(2);
const SIZE = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 7);
const EXPLAIN = args.includes('--explain');
const VOLUNTEERS = (args.find((a) => a.startsWith('--volunteers='))?.split('=')[1] ?? '10000,300000').split(',').map(Number);
const STREAMING = '(SELECT count(*) FROM (SELECT DISTINCT user_id FROM classifications WHERE workflow_id = $1 AND NOT made_in_draft) v)';
const WAYS = {
  'streaming DISTINCT': STREAMING,
  'skip scan': `(WITH RECURSIVE volunteer AS (
      (SELECT user_id FROM classifications WHERE workflow_id = $1 AND NOT made_in_draft ORDER BY user_id LIMIT 1)
      UNION ALL
      SELECT (SELECT c.user_id FROM classifications c WHERE c.workflow_id = $1 AND NOT c.made_in_draft AND c.user_id > v.user_id ORDER BY c.user_id LIMIT 1)
      FROM volunteer v WHERE v.user_id IS NOT NULL)
    SELECT count(user_id) FROM volunteer)`,
  'count(DISTINCT)': '(SELECT count(DISTINCT user_id) FROM classifications WHERE workflow_id = $1 AND NOT made_in_draft)',
};
if (!WORKFLOW_STATS.includes(STREAMING)) throw new Error('WORKFLOW_STATS no longer counts its volunteers as this bench does');
const statement = (way) => WORKFLOW_STATS.replace(STREAMING, WAYS[way]);

async function seedSubjects(q) {
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench owner') RETURNING id");
  await q("INSERT INTO users (kind, display_name) SELECT 'guest', 'Volunteer ' || g FROM generate_series(1, $1) g", [Math.max(...VOLUNTEERS)]);
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
  return { workflowId: workflow.id, ownerId: owner.id };
}

/** The workflow's classifications, afresh: SIZE from `volunteers` of the guests, with a long tail, and 40 tries in draft. */
async function seedClassifications(q, { workflowId, ownerId }, volunteers) {
  await q('TRUNCATE classifications CASCADE');
  await q(
    `WITH s AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM subjects),
          v AS (SELECT id, row_number() OVER (ORDER BY md5(id::text)) - 1 AS n FROM users WHERE kind = 'guest')
     INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
     SELECT $1, 1, s.id, v.id, '[{"task": "T0", "value": "yes"}]', gen_random_uuid()::text
     FROM generate_series(0, $3 - 1) i JOIN s ON s.n = i JOIN v ON v.n = floor($2 * (i::float8 / $3) ^ 2)::bigint`,
    [workflowId, volunteers, SIZE],
  );
  await q(
    `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key, made_in_draft)
     SELECT $1, 1, id, $2, '[{"task": "T0", "value": "no"}]', gen_random_uuid()::text, true FROM subjects ORDER BY id LIMIT 40`,
    [workflowId, ownerId],
  );
}

/** Each way's statement RUNS times, the ways taking turns, so that the machine's load falls on all alike. */
async function measure(q, workflowId, state) {
  const times = Object.fromEntries(Object.keys(WAYS).map((way) => [way, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const way of Object.keys(WAYS)) {
      const start = performance.now();
      await q(statement(way), [workflowId]);
      times[way].push(performance.now() - start);
    }
  }
  const ms = (value) => value.toFixed(0);
  console.log(`${state} (load average ${loadavg().map((l) => l.toFixed(1)).join(', ')}), median (min–max) of ${RUNS}:`);
  for (const [way, list] of Object.entries(times)) {
    list.sort((a, b) => a - b);
    console.log(`  ${way}: ${ms(list[Math.floor(RUNS / 2)])} ms (${ms(list[0])}–${ms(list.at(-1))})`);
  }
  if (!EXPLAIN) return;
  for (const [way, volunteers] of Object.entries(WAYS)) {
    console.log(`  ${way}, volunteers alone:`);
    for (const row of await q(`EXPLAIN (ANALYZE, BUFFERS) SELECT ${volunteers}`, [workflowId])) console.log(`    ${row['QUERY PLAN']}`);
  }
}

const { url, drop } = await scratchDatabase('chorus_bench_stats');
// As the API's connections are opened (packages/db's data source): without JIT, which a million rows' estimates would
// otherwise start compiling.
const db = new pg.Client({ connectionString: url, options: '-c jit=off' });
await db.connect();
const q = async (sql, params) => (await db.query(sql, params)).rows;
try {
  const started = performance.now();
  const workflow = await seedSubjects(q);
  console.log(`jit ${(await q('SHOW jit'))[0].jit}; seeded ${SIZE} subjects in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  for (const volunteers of VOLUNTEERS) {
    await seedClassifications(q, workflow, volunteers);
    await q('ANALYZE');
    const figures = (await q(WORKFLOW_STATS, [workflow.workflowId]))[0];
    for (const way of Object.keys(WAYS)) {
      const counted = (await q(statement(way), [workflow.workflowId]))[0].volunteers;
      if (counted !== figures.volunteers) throw new Error(`${way} counts ${counted} volunteers, not ${figures.volunteers}`);
    }
    console.log(`${volunteers} volunteers: ${JSON.stringify(figures)}`);
    await measure(q, workflow.workflowId, `${volunteers} volunteers, not vacuumed (visibility map unset)`);
    await q('VACUUM ANALYZE');
    await measure(q, workflow.workflowId, `${volunteers} volunteers, after VACUUM`);
  }
} finally {
  await db.end();
  await drop();
}
