// The bluebirds data (39 volunteers, 108 subjects, every volunteer answered every subject) served as Chorus serves a
// `bayes` workflow: the answers submitted through the API in a random order, each subject retiring at its 39th, while
// the worker (its own process) re-learns skills every 2 s. Prints the consensus accuracy against the truth as served
// (read before the last answer, which completes the workflow) and once the run the worker starts on completion has
// ended (the consensus rows the download serves: `<task>_answer` is their answer). Usage (after a build):
// DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/completion.mjs [--seed=1]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { scratchDatabase, startApi, startWorker, stop } from './support.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const { seededRandom } = createRequire(import.meta.url)(path.resolve(here, '../packages/consensus/dist/index.js'));
const datasets = process.env.CHORUS_DATASETS ?? path.resolve(here, '../../shared/datasets');
const seed = Number(process.argv.find((a) => a.startsWith('--seed='))?.split('=')[1] ?? 1);
const LANES = 4;

const rowsOf = (file) => {
  const [header, ...lines] = readFileSync(path.join(datasets, 'bluebirds', file), 'utf8').trim().split('\n').map((line) => line.split(','));
  return lines.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i]])));
};
const answers = rowsOf('answers.csv');
const truth = Object.fromEntries(rowsOf('truth.csv').map((row) => [row.task, row.label]));
const workers = [...new Set(answers.map((a) => a.worker))];
const tasks = Object.keys(truth);

async function seedWorkflow(url) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const q = async (sql, params) => (await db.query(sql, params)).rows;
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench owner') RETURNING id");
  const volunteers = await q("INSERT INTO users (kind, display_name) SELECT 'guest', name FROM unnest($1::text[]) name RETURNING id, display_name", [workers]);
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bluebirds', 'Bluebirds', 'live', $1) RETURNING id", [owner.id]);
  const [set] = await q("INSERT INTO subject_sets (project_id, name) VALUES ($1, 'Bluebirds') RETURNING id", [project.id]);
  const definition = {
    name: 'Bluebirds', firstTask: 'T0',
    tasks: { T0: { type: 'single', question: 'Indigo bunting?', algorithm: 'bayes', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } },
    retirement: { rule: 'count', count: workers.length }, selection: { order: 'random', goldStandardRate: 0 }, effects: [],
  };
  const [workflow] = await q("INSERT INTO workflows (project_id, name, status, version) VALUES ($1, 'Bluebirds', 'active', 1) RETURNING id", [project.id]);
  await q('INSERT INTO workflow_versions (workflow_id, version, definition) VALUES ($1, 1, $2)', [workflow.id, definition]);
  await q('INSERT INTO workflow_subject_sets (workflow_id, subject_set_id) VALUES ($1, $2)', [workflow.id, set.id]);
  const subjects = await q(
    `INSERT INTO subjects (project_id, locations, external_id)
     SELECT $1, jsonb_build_array(jsonb_build_object('type', 'text', 'text', 'Bird ' || task)), task FROM unnest($2::text[]) task RETURNING id, external_id`,
    [project.id, tasks],
  );
  await q('INSERT INTO subject_set_members (subject_set_id, subject_id, position) SELECT $1, id, row_number() OVER () FROM subjects', [set.id]);
  await q('INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $1, id FROM subjects', [workflow.id]);
  await db.end();
  return {
    workflowId: workflow.id,
    userIds: volunteers.map((row) => row.id),
    volunteerOf: Object.fromEntries(volunteers.map((row, i) => [row.display_name, i])),
    subjectOf: Object.fromEntries(subjects.map((row) => [row.external_id, row.id])),
  };
}

function shuffled(items) {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const { url, drop } = await scratchDatabase('chorus_bench_completion');
const input = await seedWorkflow(url);
const api = await startApi(url, { userIds: input.userIds });
const worker = await startWorker(url, { SKILLS_EVERY_MS: '2000' });
const root = `http://127.0.0.1:${api.port}/api/v1`;
const db = new pg.Client({ connectionString: url });
await db.connect();

async function submit({ worker: name, task, label }) {
  const response = await fetch(`${root}/classifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.tokens[input.volunteerOf[name]]}`, 'idempotency-key': randomUUID() },
    body: JSON.stringify({ workflowId: input.workflowId, workflowVersion: 1, subjectId: input.subjectOf[task], annotations: [{ task: 'T0', value: label }] }),
  });
  if (response.status !== 201) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function aggregated() {
  for (;;) {
    const { rows: [row] } = await db.query('SELECT count(*)::int AS lagging FROM subject_workflow_status WHERE workflow_id = $1 AND aggregated_count < classification_count', [input.workflowId]);
    if (row.lagging === 0) return;
    await sleep(200);
  }
}
const accuracyOf = (labels) => tasks.filter((task) => labels[task] === truth[task]).length / tasks.length;
async function consensusAccuracy() {
  const { rows } = await db.query('SELECT s.external_id AS task, c.answer FROM consensus c JOIN subjects s ON s.id = c.subject_id WHERE c.workflow_id = $1', [input.workflowId]);
  return accuracyOf(Object.fromEntries(rows.map((row) => [row.task, row.answer])));
}

try {
  const order = shuffled(answers);
  const last = order.pop();
  let next = 0;
  await Promise.all(Array.from({ length: LANES }, async () => {
    while (next < order.length) await submit(order[next++]);
  }));
  await aggregated();
  const served = await consensusAccuracy();
  await submit(last);
  await aggregated();
  let runs = [];
  for (;;) {
    runs = (await db.query("SELECT reason, finished_at, subjects FROM reaggregation_runs WHERE workflow_id = $1 AND reason = 'completion'", [input.workflowId])).rows;
    if (runs.some((run) => run.finished_at)) break;
    await sleep(500);
  }
  const final = await consensusAccuracy();
  console.log(`\n| bluebirds, seed ${seed} | accuracy |\n|---|---:|`);
  console.log(`| as served (107 of 108 retired, before the last answer) | ${served.toFixed(3)} |`);
  console.log(`| after the run on completion (${runs.length} run, ${runs[0].subjects} subjects) | ${final.toFixed(3)} |`);
} finally {
  await db.end();
  await stop(worker);
  await stop(api.child);
  await drop();
}
