// Excluding a prolific volunteer from a project's consensus, and lifting it: `PUT` and `DELETE
// /projects/:id/excluded-volunteers/:userId` for a volunteer who classified every one of SIZE subjects (each also
// classified by two others), so that both recount SIZE subjects' `counted_count` and queue their aggregation in one
// transaction. Baseline, in the same run on the same rows: one bare UPDATE of those SIZE rows' `counted_count`, the
// least any recount must write. Also how long a submit of another volunteer, sent while the exclusion runs, waits.
// Usage: DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/exclusion.mjs [1000,10000,50000] [--runs=3]
// (after `pnpm build`).
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { scratchDatabase, startApi, stop } from './support.mjs';

const args = process.argv.slice(2);
const SIZES = (args.find((a) => /^[\d,]+$/.test(a)) ?? '1000,10000,50000').split(',').map(Number);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);
const DEFINITION = {
  name: 'Bench',
  firstTask: 'T0',
  tasks: { T0: { type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
  retirement: { rule: 'count', count: 1000 },
  selection: { order: 'random' },
  effects: [],
};

/** A project whose one workflow has `size` subjects, each classified by the prolific volunteer and two others. */
async function seed(q, size) {
  const [researcher] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench researcher') RETURNING id");
  const [prolific, other, another, late] = await q("INSERT INTO users (kind, display_name) SELECT 'guest', 'Volunteer ' || g FROM generate_series(1, 4) g RETURNING id");
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [researcher.id]);
  await q("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner')", [project.id, researcher.id]);
  const [set] = await q("INSERT INTO subject_sets (project_id, name) VALUES ($1, 'Set') RETURNING id", [project.id]);
  const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, 'Bench', 'active', 1) RETURNING id", [project.id]);
  await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, DEFINITION]);
  await q('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position) VALUES ($1, $2, 0)', [workflow.id, set.id]);
  await q(`INSERT INTO subjects (project_id, locations, metadata, external_id) SELECT $1, '[{"type": "text", "text": "Snippet"}]', '{}', 'b' || g FROM generate_series(1, $2) g`, [project.id, size]);
  await q('INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $1, id, row_number() OVER (ORDER BY id) FROM subjects', [set.id]);
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id, classification_count, counted_count) SELECT $1, id, 3, 3 FROM subjects', [workflow.id]);
  await q(
    `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, idempotency_key)
     SELECT $1, 1, s.id, u.id, '[{"task": "T0", "value": "yes"}]', gen_random_uuid()::text FROM subjects s CROSS JOIN unnest($2::uuid[]) u(id)`,
    [workflow.id, [prolific.id, other.id, another.id]],
  );
  return { projectId: project.id, workflowId: workflow.id, researcherId: researcher.id, prolificId: prolific.id, lateId: late.id };
}

async function timed(work) {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

async function measure(size) {
  const database = await scratchDatabase(`chorus_bench_exclusion_${process.pid}`);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const q = async (sql, params) => (await db.query(sql, params)).rows;
  const seeded = await seed(q, size);
  await q('VACUUM ANALYZE');
  const api = await startApi(database.url, { workflowId: seeded.workflowId, userIds: [seeded.lateId], researcherIds: [seeded.researcherId] });
  const call = async (method, path, token, body) => {
    const response = await fetch(`http://127.0.0.1:${api.port}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: body && JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const [researcher] = api.researcherTokens;
  const [late] = api.tokens;
  const path = `/projects/${seeded.projectId}/excluded-volunteers/${seeded.prolificId}`;
  const [someSubject] = await q('SELECT subject_id FROM subject_workflow_status WHERE workflow_id = $1 LIMIT 1', [seeded.workflowId]);
  const rows = { exclude: [], lift: [], baseline: [], submitDuring: [] };
  try {
    for (let run = 0; run < RUNS; run += 1) {
      // A submit of another volunteer of the project, sent 20 ms into the exclusion: how long it waits on it.
      const excluding = timed(() => call('PUT', path, researcher, { reason: 'Bench' }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const submit = timed(() =>
        call('POST', '/classifications', late, { workflowId: seeded.workflowId, workflowVersion: 1, subjectId: someSubject.subject_id, annotations: [{ task: 'T0', value: 'no' }] }),
      );
      rows.exclude.push((await excluding).ms);
      rows.submitDuring.push((await submit).ms);
      await q('DELETE FROM classifications WHERE user_id = $1', [seeded.lateId]);
      await q('UPDATE subject_workflow_status SET classification_count = 3, counted_count = 3 WHERE workflow_id = $1', [seeded.workflowId]);
      rows.lift.push((await timed(() => call('DELETE', path, researcher))).ms);
      rows.baseline.push((await timed(() => q('UPDATE subject_workflow_status SET counted_count = counted_count - 1 WHERE workflow_id = $1', [seeded.workflowId]))).ms);
      await q('UPDATE subject_workflow_status SET counted_count = 3 WHERE workflow_id = $1', [seeded.workflowId]);
    }
  } finally {
    await stop(api.child);
    await db.end();
    await database.drop();
  }
  return rows;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`Excluding and lifting a volunteer who classified every subject (median of ${RUNS}; load ${loadavg()[0].toFixed(1)})`);
console.log('| subjects | exclude | lift | baseline UPDATE | exclude / baseline | a submit sent during the exclusion |\n|---:|---:|---:|---:|---:|---:|');
for (const size of SIZES) {
  const rows = await measure(size);
  const [exclude, lift, baseline, submit] = [rows.exclude, rows.lift, rows.baseline, rows.submitDuring].map(median);
  console.log(`| ${size.toLocaleString('en')} | ${exclude.toFixed(0)} ms | ${lift.toFixed(0)} ms | ${baseline.toFixed(0)} ms | ${(exclude / baseline).toFixed(1)} | ${submit.toFixed(0)} ms |`);
}
