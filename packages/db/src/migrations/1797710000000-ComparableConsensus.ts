import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `canonicalJson` of @chorus/tasks as this migration was written: JSON with every object's keys sorted. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `jsonNestsDeeperThan` of @chorus/tasks as this migration was written: whether JSON text nests deeper than `most` levels, read without parsing it. */
function jsonNestsDeeperThan(text: string, most: number): boolean {
  let depth = 0;
  let inString = false;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (inString) {
      if (code === 0x5c) at++; // a backslash escapes what follows
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > most) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** `MOST_NESTING` of @chorus/tasks as this migration was written. */
const MOST_NESTING = 64;

/**
 * A stored answer's JSON, or undefined for text that is none or nests deeper than `MOST_NESTING` (`readShallowJsonCell`
 * of @chorus/tasks: such an answer is compared as it is; walking it would overflow the stack and stop the migration).
 */
function jsonOf(text: string): unknown {
  if (jsonNestsDeeperThan(text, MOST_NESTING)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Each task type's `comparableConsensus` (packages/tasks/src/registry.ts) as this migration was written: a copy, so
 * that a later change to the rule does not change what it did (a change to the rule fills the columns again itself).
 */
const COMPARABLE: Record<string, (answer: string) => string> = {
  multiple: (answer) => JSON.stringify((answer === '' ? [] : answer.split(';')).sort()),
  tagging: (answer) => JSON.stringify((answer === '' ? [] : answer.split(';')).sort()),
  transcription: (answer) => answer.normalize('NFC'),
  fields: (answer) => {
    const form = jsonOf(answer);
    return form !== null && typeof form === 'object' ? canonicalJson(form) : answer;
  },
  marking: (answer) => {
    const marks = jsonOf(answer);
    return Array.isArray(marks) ? JSON.stringify(marks.map(canonicalJson).sort()) : answer;
  },
};

/** `storedComparableConsensus` of @chorus/tasks as this migration was written: null for the answer as it is. */
function storedComparable(tasks: Tasks | undefined, key: string, answer: string): string | null {
  const type = tasks && Object.hasOwn(tasks, key) ? tasks[key]!.type : undefined;
  const comparable = type !== undefined && Object.hasOwn(COMPARABLE, type) ? COMPARABLE[type]!(answer) : answer;
  return comparable === answer ? null : comparable;
}

const BATCH = 5_000;

/** The first key of a table keyed by workflow, subject and task, to page from. */
const START = ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000', ''];

/** A workflow version's tasks, as far as their types. */
type Tasks = Record<string, { type?: string }>;

interface Keyed {
  workflow_id: string;
  subject_id: string;
  task: string;
}

/**
 * Each consensus answer's comparable form (`storedComparableConsensus` of @chorus/tasks: a set's parts sorted, a form's
 * keys sorted, a text composed), and each approval's, of the answer it approved, so that whether an approval's consensus
 * changed since is one SQL comparison (the results' `consensusChanged` filter, the consensus download's
 * `<task>_consensus_changed`). Null where the form is the answer as it is. The rows stored before get it here, a batch
 * at a time in key order, each batch committed. The runner never runs it again: the consensus rows a worker of an
 * earlier release writes during a rollout, without the form, get it from a re-aggregation of their workflow
 * (POST /workflows/:id/reaggregate; README's "Upgrading Chorus"), and approvals the API makes store their own. An approval's is read as the version that computed its task's consensus
 * now defines the task, as the API compared them before; one without a consensus now, as the workflow's current version does.
 */
export class ComparableConsensus1797710000000 implements MigrationInterface {
  name = 'ComparableConsensus1797710000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "consensus" ADD COLUMN IF NOT EXISTS "comparable_answer" text');
    await queryRunner.query('ALTER TABLE "consensus_reviews" ADD COLUMN IF NOT EXISTS "approved_comparable" text');
    const definitions = new Map<string, Promise<Tasks | undefined>>();
    await fill(queryRunner, definitions, 'consensus', 'answer', 'comparable_answer', `SELECT c.workflow_id, c.subject_id, c.task, c.answer, c.workflow_version AS version FROM consensus c WHERE c.answer IS NOT NULL AND`);
    await fill(
      queryRunner,
      definitions,
      'consensus_reviews',
      'approved_consensus',
      'approved_comparable',
      `SELECT r.workflow_id, r.subject_id, r.task, r.approved_consensus AS answer, coalesce(c.workflow_version, w.version) AS version
       FROM consensus_reviews r JOIN workflows w ON w.id = r.workflow_id
       LEFT JOIN consensus c ON c.workflow_id = r.workflow_id AND c.subject_id = r.subject_id AND c.task = r.task
       WHERE r.approved_consensus IS NOT NULL AND`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "consensus_reviews" DROP COLUMN IF EXISTS "approved_comparable"');
    await queryRunner.query('ALTER TABLE "consensus" DROP COLUMN IF EXISTS "comparable_answer"');
  }
}

/**
 * Sets `column` of `table` (`r`'s, or `c`'s for consensus) to the comparable form of the answers `select` reads (ending
 * in `AND`, before the page's key condition), a batch at a time in key order; rows already right are left alone, and so
 * are rows whose answer (`answerColumn`) changed since it was read (a worker or an approval meanwhile wrote its form).
 */
async function fill(queryRunner: QueryRunner, definitions: Map<string, Promise<Tasks | undefined>>, table: string, answerColumn: string, column: string, select: string): Promise<void> {
  /** The tasks of a workflow version, each read once. */
  const tasksOf = (workflowId: string, version: number) => {
    const key = `${workflowId}:${version}`;
    if (!definitions.has(key)) {
      const read: Promise<{ tasks: Tasks | null }[]> = queryRunner.query("SELECT definition->'tasks' AS tasks FROM workflow_versions WHERE workflow_id = $1 AND version = $2", [workflowId, version]);
      definitions.set(key, read.then(([row]) => row?.tasks ?? undefined));
    }
    return definitions.get(key)!;
  };
  const alias = table === 'consensus' ? 'c' : 'r';
  for (let after = START; ; ) {
    const rows: (Keyed & { answer: string; version: number })[] = await queryRunner.query(
      `${select} (${alias}.workflow_id, ${alias}.subject_id, ${alias}.task) > ($1::uuid, $2::uuid, $3::text)
       ORDER BY ${alias}.workflow_id, ${alias}.subject_id, ${alias}.task LIMIT ${BATCH}`,
      after,
    );
    if (!rows.length) return;
    const comparable: (string | null)[] = [];
    for (const row of rows) comparable.push(storedComparable(await tasksOf(row.workflow_id, row.version), row.task, row.answer));
    await queryRunner.query(
      `UPDATE ${table} t SET ${column} = f.comparable FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) AS f(workflow_id, subject_id, task, comparable, answer)
       WHERE t.workflow_id = f.workflow_id AND t.subject_id = f.subject_id AND t.task = f.task AND t.${column} IS DISTINCT FROM f.comparable
         AND t.${answerColumn} = f.answer`,
      [rows.map((row) => row.workflow_id), rows.map((row) => row.subject_id), rows.map((row) => row.task), comparable, rows.map((row) => row.answer)],
    );
    const last = rows.at(-1)!;
    after = [last.workflow_id, last.subject_id, last.task];
  }
}
