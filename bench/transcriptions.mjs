// Transcriptions download benchmark: GET /workflows/:id/transcriptions?task=T0 (apps/api's TRANSCRIPTION_ROWS.text) through
// the API, on one workflow of SIZE subjects, each with a consensus transcription of task T0 (nine in ten; the tenth
// not transcribed yet), in reading order: half uploaded to one linked set, half to a later one, each in its upload
// order (not the subjects' ids'); one in a hundred uploaded to an older set the workflow is not fed by as well, one in
// five hundred routed into an older linked set as well (neither moves its page); one in a thousand only in the set the
// workflow is not fed by, one in a thousand in no set. With --routed, a later stage's workflow (README, multi-stage
// projects): fed only by the set routing fills, every subject but those in no set routed into it, the two sets of pages
// not linked to it. Times the first byte of the answer and the whole, RUNS times.
// With --baseline=path/to/apps/api/dist, another build of the API (an earlier commit's, built in a worktree) answers
// the same download on the same database, the two taking turns, and the bench checks both answer the same bytes.
// Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/transcriptions.mjs [size] [--runs=3]
//   [--routed] [--baseline=dist] [--reuse] [--explain]
// (after `pnpm build`). `--reuse` measures the database an earlier run kept (`chorus_bench_transcriptions_<size>`,
// `_routed` after it with --routed,
// kept by `--reuse` or BENCH_KEEP=1; drop it afterwards) instead of seeding anew; `--explain` prints the statement's
// plan with EXPLAIN (ANALYZE, BUFFERS).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import { scratchDatabase, startApi, stop, vacuumAnalyze } from './support.mjs';

const require = createRequire(new URL('../apps/api/dist/main.js', import.meta.url));
const { TRANSCRIPTION_ROWS: { text: TRANSCRIPTION_ROWS } } = require('./exports/exports.service.js');

const args = process.argv.slice(2);
const SIZE = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);
const BASELINE = args.find((a) => a.startsWith('--baseline='))?.split('=')[1];
const REUSE = args.includes('--reuse');
const EXPLAIN = args.includes('--explain');
const ROUTED = args.includes('--routed');

async function seed(q) {
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench researcher') RETURNING id");
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [owner.id]);
  await q("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner')", [project.id, owner.id]);
  // Oldest first: a set the workflow is not fed by, one only routing fills, then the two sets of pages.
  const sets = await q(
    `INSERT INTO subject_sets (project_id, name, created_at)
     SELECT $1, name, now() - (5 - n) * interval '1 day' FROM unnest(array['Unlinked', 'Routed', 'Pages A', 'Pages B']) WITH ORDINALITY AS t(name, n) RETURNING id, name`,
    [project.id],
  );
  const set = Object.fromEntries(sets.map((row) => [row.name, row.id]));
  const definition = {
    name: 'Bench', firstTask: 'T0',
    tasks: { T0: { type: 'transcription', instruction: 'Type the page' } },
    retirement: { rule: 'count', count: 5 }, selection: { order: 'random' }, effects: [],
  };
  const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, 'Bench', 'active', 1) RETURNING id", [project.id]);
  await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, definition]);
  await q(
    'INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position) SELECT $1, id, n FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, n)',
    [workflow.id, ROUTED ? [set.Routed] : [set.Routed, set['Pages A'], set['Pages B']]],
  );
  await q(
    `INSERT INTO subjects (project_id, locations, metadata, external_id)
     SELECT $1, '[{"type": "text", "text": "A page"}]', '{}', 'page-' || g FROM generate_series(1, $2) g`,
    [project.id, SIZE],
  );
  const numbered = "(SELECT id, substr(external_id, 6)::int AS g FROM subjects WHERE project_id = $1) s";
  const routed = ROUTED ? 'g % 1000 <> 2' : 'g % 500 = 3';
  await q(
    `INSERT INTO subject_set_members (subject_set_id, subject_id, position)
     SELECT CASE WHEN g <= $2 / 2 THEN $3::uuid ELSE $4::uuid END, id, CASE WHEN g <= $2 / 2 THEN g ELSE g - $2 / 2 END FROM ${numbered} WHERE g % 1000 NOT IN (1, 2)`,
    [project.id, SIZE, set['Pages A'], set['Pages B']],
  );
  await q(`INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $2, id, g FROM ${numbered} WHERE g % 100 = 0 OR g % 1000 = 1`, [project.id, set.Unlinked]);
  await q(`INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $2, id, g FROM ${numbered} WHERE ${routed}`, [project.id, set.Routed]);
  await q(`INSERT INTO effect_memberships (subject_id, workflow_id, subject_set_id, added_at) SELECT id, $2, $3, now() FROM ${numbered} WHERE ${routed}`, [project.id, workflow.id, set.Routed]);
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $1, id FROM subjects', [workflow.id]);
  await q(
    `INSERT INTO consensus (workflow_id, subject_id, task, answer, result, agreement, votes, algorithm, computed_at)
     SELECT $2, id, 'T0', 'Dear Mary, page ' || g || E' of the letter,\\nwritten from Lyon in the spring.', '{}', 1, 3, 'transcription', now()
     FROM ${numbered} WHERE g % 10 <> 0`,
    [project.id, workflow.id],
  );
  return { workflowId: workflow.id, researcherId: owner.id };
}

/** The seeded workflow and its researcher, read back from a kept database. */
async function seeded(q) {
  const [row] = await q("SELECT w.id AS \"workflowId\", p.owner_id AS \"researcherId\" FROM workflows w JOIN projects p ON p.id = w.project_id WHERE p.slug = 'bench'");
  return row;
}

/** One download: the time to its first byte and to its last, its size and its digest. */
async function download(api, workflowId) {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${api.port}/api/v1/workflows/${workflowId}/transcriptions?task=T0`, {
    headers: { authorization: `Bearer ${api.researcherTokens[0]}`, 'accept-encoding': 'identity' },
  });
  if (response.status !== 200) throw new Error(`the download answered ${response.status}: ${await response.text()}`);
  const digest = createHash('sha256');
  let firstByte;
  let bytes = 0;
  for await (const chunk of response.body) {
    firstByte ??= performance.now() - started;
    bytes += chunk.length;
    digest.update(chunk);
  }
  return { firstByte, whole: performance.now() - started, bytes, digest: digest.digest('hex') };
}

const { url, reused, drop } = await scratchDatabase(`chorus_bench_transcriptions_${SIZE}${ROUTED ? '_routed' : ''}`, { reuse: REUSE });
const db = new pg.Client({ connectionString: url, options: '-c jit=off' });
await db.connect();
const q = async (sql, params) => (await db.query(sql, params)).rows;
const apis = {};
try {
  const started = performance.now();
  const input = reused ? await seeded(q) : await seed(q);
  if (!reused) await vacuumAnalyze(url);
  console.log(`${reused ? 'reused' : 'seeded'} ${SIZE.toLocaleString('en')} subjects in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  apis.this = await startApi(url, { userIds: [], researcherIds: [input.researcherId] });
  if (BASELINE) apis.baseline = await startApi(url, { userIds: [], researcherIds: [input.researcherId] }, { BENCH_API_DIST: resolve(BASELINE) });
  const times = Object.fromEntries(Object.keys(apis).map((build) => [build, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [build, api] of Object.entries(apis)) times[build].push(await download(api, input.workflowId));
  }
  const digests = new Set(Object.values(times).flat().map((time) => time.digest));
  if (digests.size !== 1) throw new Error(`the downloads differ: ${digests.size} different answers`);
  const s = (ms) => (ms / 1000).toFixed(2);
  const median = (list, key) => list.map((time) => time[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const range = (list, key) => `${s(Math.min(...list.map((time) => time[key])))}–${s(Math.max(...list.map((time) => time[key])))}`;
  console.log(`${(times.this[0].bytes / 1e6).toFixed(1)} MB, every answer the same; load average ${loadavg().map((l) => l.toFixed(1)).join(', ')}; median (min–max) of ${RUNS}, s:`);
  for (const [build, list] of Object.entries(times)) {
    console.log(`  ${build}: first byte ${s(median(list, 'firstByte'))} (${range(list, 'firstByte')}), whole ${s(median(list, 'whole'))} (${range(list, 'whole')})`);
  }
  if (EXPLAIN) for (const row of await q(`EXPLAIN (ANALYZE, BUFFERS) ${TRANSCRIPTION_ROWS}`, [input.workflowId, 'T0'])) console.log(`  ${row['QUERY PLAN']}`);
} finally {
  for (const api of Object.values(apis)) await stop(api.child);
  await db.end();
  await drop();
}
