// The queue's workflow lookup (`WORKFLOWS_FOR_QUEUE`) for a guest whose address's guests hold subjects of the
// workflow, before and after session 32: the count of the address's holds walked its recent guests one by one
// (`BEFORE`, kept here as it was); now each hold carries its guest's address and the count reads those holds by a
// partial index, no further than the limit. Both statements run interleaved on one seeded database; each scenario seeds
// its own workflow. Then `assign_picked_subjects` as session 31 left it and as it is now (it stamps each hold with its
// guest's address), called in turn for an account, 10 subjects a call. Run from the repository root after `pnpm build`:
//   DATABASE_URL=postgres://... REDIS_URL=redis://... node bench/guest-address-lookup.mjs [--runs=200]
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { scratchDatabase, vacuumAnalyze } from './support.mjs';

const require = createRequire(import.meta.url);
const { WORKFLOWS_FOR_QUEUE: AFTER } = require('../apps/api/dist/assignment/queue-sql.js');
const { ASSIGN_PICKED_SUBJECTS_WITH_GOLD_STANDARD: UNSTAMPED } = require('../packages/db/dist/migrations/1796980000000-ServedSubjectsGoldStandard.js');

/** Session 31's statement, with its $5: how old a guest may be and still hold subjects. */
const BEFORE = `SELECT (r.request - 1)::int AS request, w.name, w.status, w.version, p.status AS project_status, p.taken_down_at AS project_taken_down_at, m.role,
    greatest(0, r.most_held - (SELECT count(*) FROM assignments a WHERE a.workflow_id = w.id AND a.user_id = r.user_id AND a.expires_at > now()))::int AS room,
    g.guest_address,
    CASE WHEN g.guest_address IS NOT NULL AND r.address_most IS NOT NULL THEN greatest(0, r.address_most - (
      SELECT coalesce(sum(held.n), 0) FROM users u,
        LATERAL (SELECT count(*) AS n FROM assignments a WHERE a.workflow_id = w.id AND a.user_id = u.id AND a.expires_at > now()) held
      WHERE u.guest_address = g.guest_address AND u.created_at > now() - make_interval(secs => $5)))::int END AS address_room,
    EXISTS (SELECT 1 FROM subject_reports sr WHERE sr.user_id = r.user_id AND sr.workflow_id = w.id) AS reported
  FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) WITH ORDINALITY AS r(workflow_id, user_id, most_held, address_most, request)
  JOIN workflows w ON w.id = r.workflow_id JOIN projects p ON p.id = w.project_id
  LEFT JOIN users g ON g.id = r.user_id AND g.kind = 'guest'
  LEFT JOIN project_members m ON m.project_id = w.project_id AND m.user_id = r.user_id`;

const PER_ADDRESS = 400; // MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS's default
const PER_GUEST = 30;
const GUEST_AGE_SECONDS = 30 * 86_400 + 1_800; // TOKEN_TTL_SECONDS + ASSIGNMENT_TTL_SECONDS (defaults), for BEFORE
const OTHER_HOLDS = 50_000;
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 200);

/** guests of one address; how many of them hold PER_GUEST each (the rest hold nothing). */
const SCENARIOS = [
  { name: '300 guests of one address, each holding 30', guests: 300, holding: 300 },
  { name: '3,000 guests of one address, each holding 30', guests: 3_000, holding: 3_000 },
  { name: '3,000 guests of one address, 14 of them holding 30 (the limit, about)', guests: 3_000, holding: 14 },
  { name: 'a guest without an address, holding 30 (no count either way)', guests: 1, holding: 1, address: false },
];

const database = await scratchDatabase(`chorus_bench_guest_address_${process.pid}`);
const db = new pg.Client({ connectionString: database.url });
await db.connect();
try {
  const [{ owner }] = (await db.query("INSERT INTO users (kind, display_name) VALUES ('registered', 'Owner') RETURNING id AS owner")).rows;
  const [{ project }] = (await db.query("INSERT INTO projects (slug, title, owner_id, status) VALUES ('bench', 'Bench', $1, 'live') RETURNING id AS project", [owner])).rows;
  const seeded = [];
  for (const [index, scenario] of SCENARIOS.entries()) seeded.push({ ...scenario, ...(await seed(project, index, scenario)) });
  await vacuumAnalyze(database.url);
  console.log(`| scenario | before: median / p90 ms | after: median / p90 ms | before / after (median) |`);
  console.log('|---|---:|---:|---:|');
  for (const scenario of seeded) {
    const { before, after } = await measure(scenario);
    const cell = (times) => `${median(times).toFixed(2)} / ${quantile(times, 0.9).toFixed(2)}`;
    console.log(`| ${scenario.name} | ${cell(before)} | ${cell(after)} | ${(median(before) / median(after)).toFixed(1)} |`);
  }
  const { before, after } = await measureAssigning(project, owner);
  console.log(`\nassign_picked_subjects, 10 subjects for an account: before ${median(before).toFixed(2)} / ${quantile(before, 0.9).toFixed(2)} ms, after ${median(after).toFixed(2)} / ${quantile(after, 0.9).toFixed(2)} ms (median / p90)`);
} finally {
  await db.end();
  await database.drop();
}

/**
 * A workflow whose address's guests hold as the scenario says (each hold stamped with the address, as
 * `assign_picked_subjects` stamps it), beside OTHER_HOLDS holds of guests of other addresses. Subjects need not exist:
 * the lookup reads only the holds (assignments have no foreign keys).
 */
async function seed(project, index, { guests, holding, address: known = true }) {
  const address = known ? `203.0.113.${index + 1}` : null;
  const [{ workflow }] = (await db.query("INSERT INTO workflows (project_id, name, version, status) VALUES ($1, $2, 1, 'active') RETURNING id AS workflow", [project, `W${index}`])).rows;
  const { rows } = await db.query(
    "INSERT INTO users (kind, display_name, guest_address) SELECT 'guest', 'Guest', $1 FROM generate_series(1, $2::int) RETURNING id",
    [address, guests],
  );
  const ids = rows.map((row) => row.id);
  await db.query(
    `INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at, guest_address)
     SELECT $1, g.id, gen_random_uuid(), now() + interval '1 hour', $3 FROM unnest($2::uuid[]) AS g(id), generate_series(1, $4::int)`,
    [workflow, ids.slice(0, holding), address, PER_GUEST],
  );
  await db.query(
    `WITH others AS (INSERT INTO users (kind, display_name, guest_address) SELECT 'guest', 'Other', '198.51.' || (n / 256) || '.' || (n % 256) FROM generate_series(1, $2::int / $3::int) n RETURNING id, guest_address)
     INSERT INTO assignments (workflow_id, user_id, subject_id, expires_at, guest_address)
     SELECT $1, o.id, gen_random_uuid(), now() + interval '1 hour', o.guest_address FROM others o, generate_series(1, $3::int)`,
    [workflow, OTHER_HOLDS, PER_GUEST],
  );
  // The guest asking: the last one made, holding nothing when only some hold.
  return { workflow, guest: ids.at(-1) };
}

/** Each statement `runs` times, interleaved, after a warm-up; both must answer the same room. */
async function measure({ workflow, guest }) {
  const parameters = [[workflow], [guest], [PER_GUEST], [PER_ADDRESS]];
  const statements = {
    before: { name: 'before', text: BEFORE, values: [...parameters, GUEST_AGE_SECONDS] },
    after: { name: 'after', text: AFTER, values: parameters },
  };
  const rooms = {};
  for (const [key, statement] of Object.entries(statements)) rooms[key] = (await db.query(statement)).rows[0].address_room;
  if (rooms.before !== rooms.after) throw new Error(`the statements disagree: ${JSON.stringify(rooms)}`);
  for (let warm = 0; warm < 20; warm++) for (const statement of Object.values(statements)) await db.query(statement);
  const times = { before: [], after: [] };
  for (let run = 0; run < runs; run++) {
    for (const key of run % 2 ? ['before', 'after'] : ['after', 'before']) {
      const started = performance.now();
      await db.query(statements[key]);
      times[key].push(performance.now() - started);
    }
  }
  return times;
}

/**
 * The function before (session 31's, made under another name) and now, each assigning 10 subjects of a workflow to the
 * account in turn (no cap, so every pick passes), its holds deleted after each call, outside the time taken.
 */
async function measureAssigning(project, account) {
  await db.query(UNSTAMPED.replace('CREATE FUNCTION assign_picked_subjects(', 'CREATE FUNCTION assign_picked_subjects_unstamped('));
  const [{ workflow }] = (await db.query("INSERT INTO workflows (project_id, name, version, status) VALUES ($1, 'Assigning', 1, 'active') RETURNING id AS workflow", [project])).rows;
  const { rows } = await db.query("INSERT INTO subjects (project_id, locations) SELECT $1, '[]' FROM generate_series(1, 10) RETURNING id", [project]);
  const subjects = rows.map((row) => row.id);
  await db.query('INSERT INTO subject_workflow_status (workflow_id, subject_id) SELECT $1, unnest($2::uuid[])', [workflow, subjects]);
  const call = (name) => ({
    name: `assign_${name}`,
    text: `SELECT count(*) FROM ${name}($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::int[], 1800)`,
    values: [subjects.map((_, take) => take), subjects.map(() => workflow), subjects.map(() => account), subjects, subjects.map(() => null), subjects.map(() => 3)],
  });
  const calls = { before: call('assign_picked_subjects_unstamped'), after: call('assign_picked_subjects') };
  const times = { before: [], after: [] };
  for (let run = -20; run < runs; run++) {
    for (const key of run % 2 ? ['before', 'after'] : ['after', 'before']) {
      const started = performance.now();
      const [{ count }] = (await db.query(calls[key])).rows;
      if (run >= 0) times[key].push(performance.now() - started);
      if (Number(count) !== subjects.length) throw new Error(`${key} assigned ${count}`);
      await db.query('DELETE FROM assignments WHERE workflow_id = $1', [workflow]);
    }
  }
  return times;
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function median(values) {
  return quantile(values, 0.5);
}
