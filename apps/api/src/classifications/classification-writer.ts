import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EXCLUDED_NOW, LEFT_TO_CLASSIFY, byExcludedNowSql, preparedQuery } from '@chorus/db';
import { GroupCommit } from '../common/group-commit';
import { PUBLIC_WORKFLOW_SQL } from '../projects/project-access';
import type { DataSource } from 'typeorm';

/** One classification to store, already validated against its workflow version. */
export interface ClassificationRow {
  workflowId: string;
  workflowVersion: number;
  subjectId: string;
  userId: string;
  /** Whether the caller's token is an account's: only then may a project role let them classify where volunteers may not. */
  asAccount: boolean;
  annotations: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  metadata: Record<string, unknown>;
  idempotencyKey: string;
}

/**
 * One statement stores a batch: for each classification the caller may make (the project has been open to volunteers
 * and the workflow is not a draft, or the caller is a member) of a subject in the workflow, the subject's counts, the
 * classification (marked `made_in_draft` while the workflow is a draft: its team's try, which the subject's counted
 * classifications leave out), the end of its assignment and the subject's place in the aggregation outbox. Rows that may not
 * be stored are left out, and so are replays and second classifications: those already stored, and all but the
 * first of a volunteer's rows in the batch with one key or for one subject. Only a conflict with a concurrent
 * statement's rows fails the whole statement (and GroupCommit then stores the batch one row at a time).
 * The hot rows are locked in key order before any is changed, and before the outbox is touched, as aggregation
 * locks them, so concurrent batches and aggregation never deadlock. Before them, the volunteers' exclusions are read
 * under their locks (`EXCLUDED_NOW`), which an exclusion or its lift waits for, so that its recount of the subjects'
 * counts sees this batch's classifications or this batch sees it. The cost: a batch that includes a volunteer being
 * excluded (or whose exclusion is lifted) waits, every submit in it, until that exclusion's transaction commits, and
 * the exclusion's work grows with the number of classifications that volunteer made in the project.
 * Parameters: parallel arrays of the rows' fields, $1 … $10. Returns each stored row's id with `ord`, its 1-based
 * place in the arrays, the workflow's current version, and whether the workflow serves the caller no subjects now (it
 * or its project is paused, and they are no member).
 */
/** The caller (`i`) is a member of the project (`p`), which may classify whatever its status. */
const MEMBER = 'SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = i.user_id';
/**
 * The workflow (`w`) or its project (`p`) is paused and the caller (`i`: `user_id`, `as_account`) no member, so the queue
 * serves them nothing now. Members are looked for only when it is paused.
 */
export const PAUSED_FOR_CALLER = `CASE WHEN w.status = 'paused' OR p.status = 'paused' THEN NOT (i.as_account AND EXISTS (${MEMBER})) ELSE false END`;

const STORE = `WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::uuid[], $5::jsonb[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[], $9::text[], $10::bool[])
      WITH ORDINALITY AS i(workflow_id, workflow_version, subject_id, user_id, annotations, started_at, finished_at, metadata, idempotency_key, as_account, ord)
  ), ${EXCLUDED_NOW('SELECT w.project_id, i.user_id FROM input i JOIN workflows w ON w.id = i.workflow_id')}, permitted AS (
    SELECT i.*, w.version AS current_version, w.status = 'draft' AS made_in_draft,
      ${PAUSED_FOR_CALLER} AS paused, ${byExcludedNowSql('i', 'p.id')} AS excluded
    FROM input i JOIN workflows w ON w.id = i.workflow_id JOIN projects p ON p.id = w.project_id
    WHERE ${PUBLIC_WORKFLOW_SQL} OR (i.as_account AND EXISTS (${MEMBER}))
  ), allowed AS (
    SELECT i.* FROM permitted i
    WHERE NOT EXISTS (SELECT 1 FROM classifications c WHERE c.user_id = i.user_id AND c.idempotency_key = i.idempotency_key)
      AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = i.workflow_id AND c.subject_id = i.subject_id AND c.user_id = i.user_id)
      AND NOT EXISTS (SELECT 1 FROM permitted e WHERE e.ord < i.ord AND e.user_id = i.user_id
                      AND (e.idempotency_key = i.idempotency_key OR (e.workflow_id = i.workflow_id AND e.subject_id = i.subject_id)))
  ), arriving AS (
    SELECT workflow_id, subject_id, count(*)::int AS n, count(*) FILTER (WHERE made_in_draft)::int AS drafts,
      count(*) FILTER (WHERE NOT (made_in_draft OR excluded))::int AS counts FROM allowed GROUP BY workflow_id, subject_id
  ), counted AS (
    UPDATE subject_workflow_status st SET classification_count = st.classification_count + a.n, draft_tries = st.draft_tries + a.drafts, updated_at = now(),
      counted_count = st.counted_count + CASE WHEN ${LEFT_TO_CLASSIFY} THEN a.counts ELSE 0 END
    FROM arriving a
    WHERE st.workflow_id = a.workflow_id AND st.subject_id = a.subject_id
      AND (st.workflow_id, st.subject_id) IN (
        SELECT l.workflow_id, l.subject_id FROM subject_workflow_status l JOIN arriving USING (workflow_id, subject_id)
        ORDER BY l.workflow_id, l.subject_id FOR UPDATE OF l)
    RETURNING st.workflow_id, st.subject_id, st.retired_at IS NOT NULL AS retired, st.gold_standard AS gold
  ), stored AS (
    INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, started_at, finished_at, metadata, idempotency_key, after_retirement, gold_standard, made_in_draft)
    SELECT a.workflow_id, a.workflow_version, a.subject_id, a.user_id, a.annotations, a.started_at, a.finished_at, a.metadata, a.idempotency_key, c.retired, c.gold, a.made_in_draft
    FROM allowed a JOIN counted c USING (workflow_id, subject_id)
    RETURNING id, workflow_id, subject_id, user_id, idempotency_key, after_retirement
  ), ended AS (
    DELETE FROM assignments x USING stored s WHERE x.workflow_id = s.workflow_id AND x.user_id = s.user_id AND x.subject_id = s.subject_id
  ), owed AS (
    INSERT INTO aggregation_outbox (workflow_id, subject_id) SELECT DISTINCT workflow_id, subject_id FROM stored ON CONFLICT DO NOTHING
  )
  SELECT s.id, a.ord, a.current_version, a.paused, s.after_retirement FROM stored s JOIN allowed a USING (user_id, idempotency_key)`;

/**
 * A stored classification's id, the version of its workflow then (newer than its own if researchers published one),
 * and whether its subject was retired already.
 */
export interface Stored {
  id: string;
  currentVersion: number;
  afterRetirement: boolean;
  /** The workflow or its project is paused (and the caller no member): stored, but the queue serves them nothing now. */
  paused: boolean;
}

/**
 * Stores classifications in batches (a group commit): the submits that arrive while a statement runs share the
 * next one. Each caller is answered only once its own classification is committed; a replay or a second
 * classification is not stored, and the service tells its caller which it was.
 */
@Injectable()
export class ClassificationWriter {
  private readonly batches = new GroupCommit((rows: ClassificationRow[]) => this.insert(rows), { maxBatch: 100, maxBatchesAtOnce: 2 });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The new classification, or undefined when nothing was stored: the caller may not, the subject is not in the
   * workflow, the key was used before, or the caller has classified the subject already.
   */
  store(row: ClassificationRow): Promise<Stored | undefined> {
    return this.batches.submit(row);
  }

  /** Each row's new classification, or undefined where it was not stored. */
  private async insert(rows: ClassificationRow[]): Promise<(Stored | undefined)[]> {
    const stored = await preparedQuery<{ id: string; ord: string; current_version: number; after_retirement: boolean; paused: boolean }>(this.db, STORE, [
      rows.map((row) => row.workflowId),
      rows.map((row) => row.workflowVersion),
      rows.map((row) => row.subjectId),
      rows.map((row) => row.userId),
      rows.map((row) => JSON.stringify(row.annotations)),
      rows.map((row) => row.startedAt),
      rows.map((row) => row.finishedAt),
      rows.map((row) => JSON.stringify(row.metadata)),
      rows.map((row) => row.idempotencyKey),
      rows.map((row) => row.asAccount),
    ]);
    const byPlace = new Map(
      stored.map((row): [number, Stored] => [Number(row.ord), { id: row.id, currentVersion: row.current_version, afterRetirement: row.after_retirement, paused: row.paused }]),
    );
    return rows.map((_, index) => byPlace.get(index + 1));
  }
}
