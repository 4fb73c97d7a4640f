import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { NeighbourPages } from '@chorus/client';
import { preparedQuery } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, ProblemException } from '../common/problem';
import { type SubjectRow, subjectView } from '../common/subject-view';
import { isTakenDownSql, takenDownSql } from '../retirement/retired-by-sql';
import { AssignmentService } from './assignment.service';

/** Members of `here`'s set (alias `m`), before or after it in the set's order: by position, then by id (as the sequential walk). */
const EARLIER = (m: string) => `(${m}.position, ${m}.subject_id) < (here.position, here.subject_id)`;
const BEFORE = `m.subject_set_id = here.subject_set_id AND ${EARLIER('m')}`;
const AFTER = 'm.subject_set_id = here.subject_set_id AND (m.position, m.subject_id) > (here.position, here.subject_id)';

/**
 * Subject $3 of workflow $1 in linked set $4 when given and it has the subject (the set a volunteer chose,
 * `volunteersChooseSubjectSet`), else in the first of the workflow's linked sets that has it (the one the queue serves
 * it from: a training subject is served to one who chose a set too), when volunteer $2 holds it (a hold, lapsed or
 * not, not yet cleared away) or classified it there, and it is not taken down: its place among the set's members that
 * are not taken down, their number, and the ids of the members just before and after it that are not; and whether $4,
 * when given, is a set linked to the workflow. No row: not a subject the volunteer may look around.
 *
 * A set of 100,000 costs one read of its order index (both counts at once), less its members taken down (`gone`, read
 * once for both): this workflow's take-downs, each probed in the set. A take-down in any workflow of the project is
 * carried to the subject's row in every other (and to a workflow it joins later, `takeDownCarriedSql`), and every
 * member of a linked set has a row in the workflow, so this workflow's take-downs (their own index) say it all, not
 * every take-down of the installation. The neighbours walk the order index from the subject, each stopping at the
 * first member shown.
 */
export const NEIGHBOURS = `WITH here AS (
    SELECT l.subject_set_id, m.position, m.subject_id FROM subject_set_members m
    JOIN workflow_subject_sets l ON l.workflow_id = $1 AND l.subject_set_id = m.subject_set_id
    WHERE m.subject_id = $3 AND NOT ${takenDownSql('m.subject_id')}
      AND (EXISTS (SELECT 1 FROM assignments a WHERE a.workflow_id = $1 AND a.user_id = $2 AND a.subject_id = $3)
        OR EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = $3 AND c.user_id = $2))
    ORDER BY l.subject_set_id IS NOT DISTINCT FROM $4::uuid DESC, l.position, l.subject_set_id LIMIT 1
  ), gone AS MATERIALIZED (
    SELECT probed.subject_id, probed.position FROM (
      SELECT td.subject_id,
        (SELECT m.position FROM subject_set_members m, here WHERE m.subject_set_id = here.subject_set_id AND m.subject_id = td.subject_id) AS position
      FROM subject_workflow_status td WHERE td.workflow_id = $1 AND ${isTakenDownSql('td')}
    ) probed WHERE probed.position IS NOT NULL
  )
  SELECT here.subject_set_id,
    $4::uuid IS NULL OR EXISTS (SELECT 1 FROM workflow_subject_sets l WHERE l.workflow_id = $1 AND l.subject_set_id = $4::uuid) AS set_linked,
    members.before - (SELECT count(*)::int FROM gone WHERE ${EARLIER('gone')}) + 1 AS page,
    members.total - (SELECT count(*)::int FROM gone) AS pages,
    (SELECT m.subject_id FROM subject_set_members m WHERE ${BEFORE} AND NOT ${takenDownSql('m.subject_id')} ORDER BY m.position DESC, m.subject_id DESC LIMIT 1) AS previous_id,
    (SELECT m.subject_id FROM subject_set_members m WHERE ${AFTER} AND NOT ${takenDownSql('m.subject_id')} ORDER BY m.position, m.subject_id LIMIT 1) AS next_id
  FROM here CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE ${EARLIER('m')})::int AS before, count(*)::int AS total
    FROM subject_set_members m WHERE m.subject_set_id = here.subject_set_id
  ) members`;

const SUBJECTS = 'SELECT s.id, s.external_id, s.locations, s.metadata FROM subjects s WHERE s.id = ANY($1::uuid[])';

interface Place {
  subject_set_id: string;
  set_linked: boolean;
  page: number;
  pages: number;
  previous_id: string | null;
  next_id: string | null;
}

/**
 * The pages before and after the one a volunteer works on (a sentence or a table running over the page break, a
 * catchword): read-only, for a subject they were served or classified only, so that nobody browses a collection
 * through it.
 */
@Injectable()
export class NeighbourPagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly assignment: AssignmentService,
  ) {}

  /** `subjectSetId`: the linked set to look around in (the one the volunteer chose) if it has the subject, else the one the queue serves it from. */
  async neighbours(workflowId: string, subjectId: string, user: AuthUser, subjectSetId: string | null = null): Promise<NeighbourPages> {
    await this.assignment.requireClassifiable(workflowId, user);
    const place = await this.place(workflowId, subjectId, user, subjectSetId);
    const ids = [place.previous_id, place.next_id].filter((neighbourId) => neighbourId !== null);
    const rows = ids.length ? await preparedQuery<SubjectRow>(this.db, SUBJECTS, [ids]) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    const pageOf = (neighbourId: string | null, page: number) => {
      const row = neighbourId ? byId.get(neighbourId) : undefined;
      if (!row) return null;
      const { id: _id, ...shown } = subjectView(row);
      return { ...shown, page };
    };
    return {
      subjectSetId: place.subject_set_id,
      page: place.page,
      pages: place.pages,
      previous: pageOf(place.previous_id, place.page - 1),
      next: pageOf(place.next_id, place.page + 1),
    };
  }

  /**
   * The subject's place in the set asked (or its first): not found for a subject the caller may not look around
   * (`/params/subjectId`, first, so that nobody learns which sets hold it), then for a set the workflow does not serve.
   */
  private async place(workflowId: string, subjectId: string, user: AuthUser, subjectSetId: string | null): Promise<Place> {
    const [place] = await preparedQuery<Place>(this.db, NEIGHBOURS, [workflowId, user.id, subjectId, subjectSetId]);
    if (!place) throw notFound(`Subject ${subjectId} served to you in workflow ${workflowId}`, '/params/subjectId');
    if (place.set_linked) return place;
    throw new ProblemException(404, `Subject set ${subjectSetId} is not one of workflow ${workflowId}`, [
      { pointer: '/query/subjectSetId', message: 'is not a subject set of this workflow: name the one the volunteer chose (GET /workflows/:id/queue/sets), or leave subjectSetId out' },
    ]);
  }
}
