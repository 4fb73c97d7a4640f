// What a search of a project's discussions (`GET /projects/:id/comments?q=`) costs on a project with many comments: the
// API's own statement (projectCommentsSql) on a scratch database, a page of 20 newest first, against the same page
// without `q` (the baseline), measured in the same run, with the indexes each search's plan reads. A word found often
// stops at the first page's worth of comments; a rare or absent word of 3 letters or more reads the comments holding its
// trigrams (subject_comments_body_trgm_idx); a shorter one holds none and reads every comment of the project.
// Usage: pnpm turbo run build --filter=@chorus/api... && DATABASE_URL=... REDIS_URL=... node bench/comment-search.mjs [--comments=100000] [--runs=7]
import { createRequire } from 'node:module';
import pg from 'pg';
import { scratchDatabase } from './support.mjs';

const require = createRequire(import.meta.url);
const { projectCommentsSql } = require('@chorus/api/dist/discussions/discussions.service.js');

const args = process.argv.slice(2);
const COMMENTS = Number(args.find((a) => a.startsWith('--comments='))?.split('=')[1] ?? 100_000);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 7);
const PAGE = 20;

const { url, drop } = await scratchDatabase('chorus_bench_comment_search');
const db = new pg.Client({ connectionString: url });
await db.connect();
const q = async (sql, params) => (await db.query(sql, params)).rows;
try {
  const [owner] = await q("INSERT INTO users (kind, display_name) VALUES ('registered', 'Bench owner') RETURNING id");
  const [project] = await q("INSERT INTO projects (slug, title, status, owner_id) VALUES ('bench', 'Bench', 'live', $1) RETURNING id", [owner.id]);
  const [subject] = await q(`INSERT INTO subjects (project_id, locations, metadata, external_id) VALUES ($1, '[{"type": "text", "text": "Snippet"}]', '{}', 'b1') RETURNING id`, [project.id]);
  // Short comments, as volunteers write them; one in 1,000 hidden.
  await q(
    `INSERT INTO subject_comments (project_id, subject_id, user_id, body, hashtags, created_at, hidden_at)
     SELECT $1, $2, $3, 'Is this a ' || (ARRAY['stamp', 'crown', 'postmark', 'ship', 'letter'])[n % 5 + 1] || ' from Genève? See line ' || n % 300 || ', page ' || n,
            '{}', now() - n * interval '1 second', CASE WHEN n % 1000 = 0 THEN now() END
     FROM generate_series(1, $4) n`,
    [project.id, subject.id, owner.id, COMMENTS],
  );
  await q('VACUUM ANALYZE subject_comments');
  const page = (words) => [project.id, false, null, null, null, PAGE + 1, owner.id, null, ...words];
  const indexesRead = async (words) => {
    const [{ 'QUERY PLAN': plan }] = await q(`EXPLAIN (FORMAT JSON) ${projectCommentsSql(words)}`, page(words));
    return [...new Set(JSON.stringify(plan).match(/(?<="Index Name":")[^"]+/g))].join(', ');
  };
  const timed = async (words) => {
    const times = [];
    for (let run = 0; run < RUNS; run++) {
      const start = process.hrtime.bigint();
      await q(projectCommentsSql(words), page(words));
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  };
  const baseline = await timed([]);
  console.log(`${COMMENTS} comments in one project; median of ${RUNS} runs of a page of ${PAGE}, newest first`);
  console.log(`| search | ms | × the page without q | indexes read |\n|---|---:|---:|---|`);
  console.log(`| none (baseline) | ${baseline.toFixed(1)} | 1.0 | ${await indexesRead([])} |`);
  for (const [name, words] of [
    ['a word in one comment in five (`crown`)', ['crown']],
    ['accents folded (`GENEVE crown`)', ['GENEVE', 'crown']],
    ['a word in one comment (`page 4242`)', ['page', '4242,']],
    ['a word in none (`zeppelin`)', ['zeppelin']],
    ['a word of 2 letters in none (`qz`): no trigram, every comment read', ['qz']],
  ]) {
    const ms = await timed(words);
    console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / baseline).toFixed(1)} | ${await indexesRead(words)} |`);
  }
} finally {
  await db.end();
  await drop();
}
