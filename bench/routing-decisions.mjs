// The consensus download's statement (apps/api's consensusRows, subject id order) with its routing_decisions column and
// without (its aggregate of effect_memberships.decided_by taken out of ROUTED, the column a null), on SIZE subjects of
// one workflow, a third routed into one set and a sixth into a second (a routing in ten without its decision): each
// read whole in the database (every row made JSON, counted), the two taking turns, RUNS times; prints the medians.
// Usage (after `pnpm build`): DATABASE_URL=postgres://... node bench/routing-decisions.mjs [size, 5000]
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import pg from 'pg';
import { scratchDatabase, vacuumAnalyze } from './support.mjs';

const require = createRequire(new URL('../apps/api/dist/main.js', import.meta.url));
const { consensusRows } = require('./exports/exports.service.js');
const SIZE = Number(process.argv[2] ?? 5000);
const RUNS = 7;
const after = consensusRows('id');
// Before: no aggregate of the decisions, the column a null (so the tombstones' branch keeps its width).
const before = after
  .replace(/,\s*jsonb_object_agg\(e\.subject_set_id::text, e\.decided_by\)[^\n]*AS routing_decisions/g, '')
  .replace('routing.routing_decisions AS routing_decisions', 'NULL::jsonb AS routing_decisions');
if ((before.match(/routing\.routing_decisions|e\.decided_by/g) ?? []).length) throw new Error('left in');
if (before === after) throw new Error('nothing removed');
const { url, drop } = await scratchDatabase(`chorus_bench_routing_decisions_${SIZE}`);
const db = new pg.Client({ connectionString: url, options: '-c jit=off' });
await db.connect();
const q = async (sql, params) => (await db.query(sql, params)).rows;
try {
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench') RETURNING id");
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [owner.id]);
  const sets = await q("INSERT INTO subject_sets (project_id, name) SELECT $1, n FROM unnest(array['Pages', 'Yes', 'Sure']) n RETURNING id, name", [project.id]);
  const set = Object.fromEntries(sets.map((row) => [row.name, row.id]));
  const definition = { name: 'Bench', firstTask: 'T0', tasks: { T0: { type: 'single', question: 'Q', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } }, retirement: { rule: 'count', count: 5 }, selection: { order: 'random' }, effects: [] };
  const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, 'Bench', 'active', 1) RETURNING id", [project.id]);
  await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, definition]);
  await q('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position) VALUES ($1, $2, 1)', [workflow.id, set.Pages]);
  await q(`INSERT INTO subjects (project_id, locations, metadata, external_id) SELECT $1, '[{"type": "text", "text": "A page"}]', '{}', 'p' || g FROM generate_series(1, $2) g`, [project.id, SIZE]);
  const numbered = "(SELECT id, substr(external_id, 2)::int AS g FROM subjects WHERE project_id = $1) s";
  await q(`INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $2, id, g FROM ${numbered}`, [project.id, set.Pages]);
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $1, id FROM subjects', [workflow.id]);
  await q(`INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at) SELECT $2, id, 'T0', 'yes', '{"counts": {"yes": 3}}', 1, 3, 'plurality-vote', now() FROM ${numbered}`, [project.id, workflow.id]);
  // A third routed into Yes, half of those into Sure too; a routing in ten without its decision.
  for (const [name, where] of [['Yes', 'g % 3 = 0'], ['Sure', 'g % 6 = 0']]) {
    await q(`INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $2, id, g FROM ${numbered} WHERE ${where}`, [project.id, set[name]]);
    await q(
      `INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at, decided_by)
       SELECT id, $2, $3, now(), CASE WHEN g % 10 <> 0 THEN '{"version": 1, "when": {"task": "T0", "answer": "yes"}, "answer": "yes", "agreement": 1}'::jsonb END FROM ${numbered} WHERE ${where}`,
      [project.id, workflow.id, set[name]],
    );
  }
  await vacuumAnalyze(url);
  const whole = (sql) => `SELECT count(*) AS rows, sum(length(row_to_json(r)::text)) AS bytes FROM (${sql}) r`;
  const times = { before: [], after: [] };
  const sizes = {};
  for (let run = 0; run < RUNS; run++) {
    for (const [name, sql] of [['before', before], ['after', after]]) {
      const started = performance.now();
      const [read] = await q(whole(sql), [workflow.id, null, null]);
      times[name].push(performance.now() - started);
      sizes[name] = read;
    }
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(`${SIZE} subjects, ${Math.floor(SIZE / 3)} routed; load ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
  for (const name of ['before', 'after']) console.log(`  ${name}: median ${median(times[name]).toFixed(0)} ms (min ${Math.min(...times[name]).toFixed(0)}, max ${Math.max(...times[name]).toFixed(0)}) of ${RUNS}; rows ${sizes[name].rows}, ${sizes[name].bytes} bytes as JSON`);
} finally {
  await db.end();
  await drop();
}
