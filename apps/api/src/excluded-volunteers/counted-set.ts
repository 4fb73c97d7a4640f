import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { COUNTS_TOWARD_RETIREMENT } from '@chorus/db';
import { JobProducer } from '../jobs/job-producer';

/**
 * Classifications that change sides of their projects' exclusions (into or out of what counts): a volunteer's in the
 * projects named (an exclusion or its lift), or those named by id (a guest's carried into an account).
 */
export type ChangingSides = { volunteerId: string; projectIds: string[] } | { classificationIds: string[] };

/** `ChangingSides` as a condition on the classification `c`, and its parameters ($1, $2). */
function theirs(changing: ChangingSides): { sql: string; params: unknown[] } {
  if ('classificationIds' in changing) return { sql: 'c.id = ANY($1::uuid[])', params: [changing.classificationIds] };
  return {
    sql: 'c.user_id = $1 AND c.workflow_id IN (SELECT w.id FROM workflows w WHERE w.project_id = ANY($2::uuid[]))',
    params: [changing.volunteerId, changing.projectIds],
  };
}

/**
 * Locks the hot rows of every subject of the classifications, in key order, as submits and aggregation lock them,
 * before any of their classifications or the outbox is touched: so a change waits for either rather than deadlocking
 * with it. Taken after the exclusions' locks (`lockExclusion`, `lockExclusionsShared`), for which the volunteers'
 * submits in flight are waited for and new ones wait, holding no hot row yet: so all their subjects are here.
 */
const lockSubjectsSql = (condition: string) => `
  SELECT 1 FROM subject_workflow_status st
  WHERE (st.workflow_id, st.subject_id) IN (SELECT c.workflow_id, c.subject_id FROM classifications c WHERE ${condition})
  ORDER BY st.workflow_id, st.subject_id FOR UPDATE OF st`;

/**
 * Takes the classifications that count toward retirement out of their subjects' `counted_count` (`sign` -1), or puts
 * them in (1), so that the queue, which stops serving a subject at its rule's count, counts what aggregation counts.
 */
const recountSql = (condition: string, sign: string) => `
  UPDATE subject_workflow_status st SET counted_count = st.counted_count + ${sign} * t.n
  FROM (SELECT c.workflow_id, c.subject_id, count(*)::int AS n FROM classifications c
        WHERE ${condition} AND ${COUNTS_TOWARD_RETIREMENT} GROUP BY c.workflow_id, c.subject_id) t
  WHERE st.workflow_id = t.workflow_id AND st.subject_id = t.subject_id AND NOT st.gold_standard`;

/**
 * Puts every subject of the classifications in its workflow's aggregation outbox, and marks them changed
 * (`updated_at`), so that `since=` raw downloads give them again with their new `excluded_volunteer` flag or volunteer.
 * The workflows whose outbox it filled.
 */
const oweAggregationSql = (condition: string) => `
  WITH changed AS (
    UPDATE classifications c SET updated_at = now() WHERE ${condition}
    RETURNING c.workflow_id, c.subject_id
  ), owed AS (
    INSERT INTO aggregation_outbox (workflow_id, subject_id) SELECT DISTINCT workflow_id, subject_id FROM changed ON CONFLICT DO NOTHING
  )
  SELECT DISTINCT workflow_id FROM changed`;

/**
 * What counts toward a project's consensus and its subjects' retirement when classifications change sides of its
 * exclusions: their subjects' counts and re-aggregation, through the aggregation outbox, as after a submit. The one
 * home of that rule for an exclusion, its lift and a guest's work carried into an account.
 */
@Injectable()
export class CountedSet {
  constructor(private readonly jobs: JobProducer) {}

  /** `lockSubjectsSql`, in the transaction that changes their sides, before it touches them. */
  async lockSubjects(manager: EntityManager, changing: ChangingSides): Promise<void> {
    const { sql, params } = theirs(changing);
    await manager.query(lockSubjectsSql(sql), params);
  }

  /**
   * Counts the classifications out of (`-1`) or into (`1`) retirement, and owes their subjects an aggregation: the
   * workflows to `aggregate` once the transaction commits.
   */
  async recount(manager: EntityManager, changing: ChangingSides, sign: -1 | 1): Promise<string[]> {
    const { sql, params } = theirs(changing);
    await manager.query(recountSql(sql, `$${params.length + 1}`), [...params, sign]);
    const rows: { workflow_id: string }[] = await manager.query(oweAggregationSql(sql), params);
    return rows.map((row) => row.workflow_id);
  }

  /** After the commit; a workflow Redis could not be told of is found again by the worker's reconciler. */
  async aggregate(workflows: string[]): Promise<void> {
    await Promise.all([...new Set(workflows)].map((workflowId) => this.jobs.aggregate(workflowId)));
  }
}
