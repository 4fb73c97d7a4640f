import { Injectable } from '@nestjs/common';
import type { SubjectPage, SubjectSetDeleted } from '@chorus/client';
import { InjectDataSource } from '@nestjs/typeorm';
import { SubjectSet, addToSubjectSet } from '@chorus/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import type { FieldError, WorkflowDefinition } from '@chorus/tasks';
import { unreadableKnownAnswers } from '../classifications/gold-feedback';
import { conflict, notFound } from '../common/problem';
import { researchersTransaction, retryOnDeadlock } from '../common/sql';
import type { SubjectRow } from '../common/subject-view';
import { ProjectAccess } from '../projects/project-access';
import { WorkflowSubjects } from '../workflows/workflow-subjects';
import { type AddSubjectsInput, type CreateSubjectSetInput, type SubjectPageQuery, subjectCursor } from './dto/subject-set.dto';
import { subjectsOfUpload } from './subject-uploads';

/** Locations without the images' descriptions, which an upload may correct: what volunteers saw, compared. */
const WITHOUT_ALT = (locations: string) =>
  `(SELECT jsonb_agg(location - 'alt' ORDER BY place) FROM jsonb_array_elements(${locations}) WITH ORDINALITY AS l(location, place))`;

/** `stored` locations, each with the `alt` that the same place of `sent` has, where it has one (else its own). */
const WITH_ALT_SENT = (stored: string, sent: string) =>
  `(SELECT jsonb_agg(CASE WHEN n.location ? 'alt' THEN o.location || jsonb_build_object('alt', n.location -> 'alt') ELSE o.location END ORDER BY o.place)
    FROM jsonb_array_elements(${stored}) WITH ORDINALITY AS o(location, place)
    LEFT JOIN jsonb_array_elements(${sent}) WITH ORDINALITY AS n(location, place) ON n.place = o.place)`;

const sum = (counts: number[]) => counts.reduce((total, count) => total + count, 0);

interface WorkflowBrief {
  id: string;
  name: string;
  definition: WorkflowDefinition;
}

/** Each known answer that a workflow of the subject's cannot take, named `/subjects/<n>/goldStandard/<task>`. */
function knownAnswersTheyTake(input: AddSubjectsInput, workflowsOf: (index: number) => WorkflowBrief[]): FieldError[] {
  return input.subjects.flatMap((subject, index) =>
    workflowsOf(index).flatMap(({ name, definition }) =>
      unreadableKnownAnswers(definition, subject.goldStandard ?? {}).map(({ task, problem }) => ({
        pointer: `/subjects/${index}/goldStandard/${task}`,
        message: `${problem} (workflow "${name}")`,
      })),
    ),
  );
}

@Injectable()
export class SubjectSetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly workflowSubjects: WorkflowSubjects,
  ) {}

  async create(projectId: string, input: CreateSubjectSetInput, user: AuthUser) {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const set = await this.db.getRepository(SubjectSet).save({ projectId, name: input.name });
    return { id: set.id, name: set.name, projectId };
  }

  async rename(subjectSetId: string, input: CreateSubjectSetInput, user: AuthUser) {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    await this.db.getRepository(SubjectSet).update({ id: subjectSetId }, { name: input.name });
    return { id: set.id, name: input.name, projectId: set.projectId };
  }

  /**
   * Deletes a set that no workflow serves or adds subjects to, with those of its subjects that are in no other set
   * and were never classified (so that corrected subjects can be uploaded again under the same externalIds). A
   * classified subject stays, with its classifications and consensus, for the downloads.
   */
  async delete(subjectSetId: string, user: AuthUser): Promise<SubjectSetDeleted> {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    return retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      await this.lockSetForLeaving(manager, set);
      await this.requireUnused(manager, set.projectId, subjectSetId);
      const left = await this.leaveSet(manager, subjectSetId, null);
      await manager.query('DELETE FROM subject_sets WHERE id = $1', [subjectSetId]);
      return left;
    }));
  }

  /**
   * Takes one subject out of a set, deleted as a set's subjects are when the set is deleted (if in no other set and
   * never classified). The workflows the set feeds stop serving it, unless another set of theirs has it: as if its set
   * were unlinked, for this subject alone.
   */
  async removeSubject(subjectSetId: string, subjectId: string, user: AuthUser): Promise<SubjectSetDeleted> {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    return retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      await this.lockSetForLeaving(manager, set);
      const member: unknown[] = await manager.query('SELECT 1 FROM subject_set_members WHERE subject_set_id = $1 AND subject_id = $2', [subjectSetId, subjectId]);
      if (!member.length) throw notFound(`Subject ${subjectId} in subject set ${subjectSetId}`, '/params/subjectId');
      const left = await this.leaveSet(manager, subjectSetId, subjectId);
      await manager.query('DELETE FROM subject_set_members WHERE subject_set_id = $1 AND subject_id = $2', [subjectSetId, subjectId]);
      const linked: { workflow_id: string }[] = await manager.query('SELECT workflow_id FROM workflow_subject_sets WHERE subject_set_id = $1', [subjectSetId]);
      for (const { workflow_id } of linked) await this.workflowSubjects.afterUnlink(manager, workflow_id, [subjectId]);
      return left;
    }));
  }

  /**
   * One deletion in the project at a time: two sets sharing a subject, deleted at once, would each see it in the other
   * and both keep it, leaving a subject in no set whose externalId no upload could use again. An upload into the set,
   * a link to it and an effect naming it each hold the set's row until they commit.
   */
  private async lockSetForLeaving(manager: EntityManager, set: SubjectSet): Promise<void> {
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('subject-set-deletion'), hashtext($1))", [set.projectId]);
    await this.lockSet(manager, set.id, 'FOR UPDATE');
  }

  /**
   * The set's members (or the one named) are about to leave it: deletes those in no other set and never classified,
   * and marks the kept ones' rows changed. The caller holds the set's row and the project's deletion lock.
   */
  private async leaveSet(manager: EntityManager, subjectSetId: string, subjectId: string | null): Promise<SubjectSetDeleted> {
    const leaving = 'm.subject_set_id = $1 AND ($2::uuid IS NULL OR m.subject_id = $2)';
    const [{ members }]: { members: number }[] = await manager.query(`SELECT count(*)::int AS members FROM subject_set_members m WHERE ${leaving}`, [subjectSetId, subjectId]);
    // Every member's hot rows, in key order, as a submit locks them, in one pass: those it may delete (then their
    // subjects), and those it keeps, whose rows change below. A classification holds its subject's row as it
    // commits, so once these are locked none can arrive, and one that committed first is seen below; so is an upload
    // that added one to another set.
    await manager.query(
      `SELECT 1 FROM subject_workflow_status WHERE subject_id IN (SELECT m.subject_id FROM subject_set_members m WHERE ${leaving})
       ORDER BY workflow_id, subject_id FOR UPDATE`,
      [subjectSetId, subjectId],
    );
    const candidates = `SELECT m.subject_id FROM subject_set_members m WHERE ${leaving}
      AND NOT EXISTS (SELECT 1 FROM subject_set_members other WHERE other.subject_id = m.subject_id AND other.subject_set_id <> $1)
      AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.subject_id = m.subject_id)`;
    const locked: { id: string }[] = await manager.query(`SELECT id FROM subjects WHERE id IN (${candidates}) ORDER BY id FOR UPDATE`, [subjectSetId, subjectId]);
    // Checked again now that they are locked, and only those: one that became a candidate meanwhile is not locked.
    const [{ deleted }]: { deleted: number }[] = await manager.query(
      `WITH doomed AS (${candidates} AND m.subject_id = ANY($3::uuid[])),
       -- Neither has a foreign key to cascade by (they are written on every queue request and submit).
       holds AS (DELETE FROM assignments a USING doomed d WHERE a.subject_id = d.subject_id),
       owed AS (DELETE FROM aggregation_outbox o USING doomed d WHERE o.subject_id = d.subject_id),
       gone AS (DELETE FROM subjects s USING doomed d WHERE s.id = d.subject_id RETURNING s.id)
       SELECT count(*)::int AS deleted FROM gone`,
      [subjectSetId, subjectId, locked.map((row) => row.id)],
    );
    // The subjects kept leave this set: their rows in the consensus download change (subject_set_ids), so `since`
    // must find them (rows locked above).
    await manager.query(`UPDATE subject_workflow_status st SET updated_at = now() FROM subject_set_members m WHERE ${leaving} AND m.subject_id = st.subject_id`, [
      subjectSetId,
      subjectId,
    ]);
    return { deletedSubjects: deleted, keptSubjects: members - deleted };
  }

  /** Holds a set's row in the caller's transaction: a set deleted meanwhile was not found. */
  private async lockSet(manager: EntityManager, subjectSetId: string, mode: 'FOR UPDATE' | 'FOR KEY SHARE'): Promise<void> {
    const found: unknown[] = await manager.query(`SELECT 1 FROM subject_sets WHERE id = $1 ${mode}`, [subjectSetId]);
    if (!found.length) throw notFound(`Subject set ${subjectSetId}`, '/params/id');
  }

  /** Refuses to delete a set that a workflow serves, or that a workflow's effect adds subjects to. */
  private async requireUnused(manager: EntityManager, projectId: string, subjectSetId: string): Promise<void> {
    const users: { id: string; name: string; linked: boolean }[] = await manager.query(
      `SELECT w.id, w.name, EXISTS (SELECT 1 FROM workflow_subject_sets l WHERE l.workflow_id = w.id AND l.subject_set_id = $2) AS linked
       FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
       WHERE w.project_id = $1
         AND (EXISTS (SELECT 1 FROM workflow_subject_sets l WHERE l.workflow_id = w.id AND l.subject_set_id = $2)
              OR jsonb_path_exists(v.definition, '$.effects[*] ? (@.addToSubjectSet == $set)', jsonb_build_object('set', $2::text)))
       ORDER BY w.created_at, w.id`,
      [projectId, subjectSetId],
    );
    if (!users.length) return;
    // Named with their ids: names need not be unique.
    const uses = users.map(({ id, name, linked }) => {
      const workflow = `the workflow ${JSON.stringify(name)} (${id})`;
      return linked ? `${workflow} serves it` : `an effect of ${workflow} adds subjects to it`;
    });
    throw conflict(
      `The subject set is in use: ${new Intl.ListFormat('en').format(uses)}. Take it out of their subjectSetIds and effects (PUT /workflows/:id) first.`,
      'subject-set-in-use',
    );
  }

  /** A page of the set's subjects in the set's order (the order of upload, which `sequential` selection follows). */
  async subjectsOf(subjectSetId: string, { limit, after }: SubjectPageQuery, user: AuthUser): Promise<SubjectPage> {
    await this.requireSetOfResearcher(subjectSetId, user);
    // A range of subject_set_members_order_idx: no page reads or sorts the members before it.
    const rows: (SubjectRow & { position: string; gold_standard: Record<string, unknown> | null })[] = await this.db.query(
      `SELECT s.id, s.external_id, s.locations, s.metadata, s.gold_standard, m.position
       FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id
       WHERE m.subject_set_id = $1 ${after ? 'AND (m.position, m.subject_id) > ($3::bigint, $4::uuid)' : ''}
       ORDER BY m.position, m.subject_id
       LIMIT $2`,
      after ? [subjectSetId, limit + 1, after.position, after.subjectId] : [subjectSetId, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      subjects: page.map((row) => ({ id: row.id, externalId: row.external_id, locations: row.locations, metadata: row.metadata, goldStandard: row.gold_standard })),
      next: rows.length > limit && last ? subjectCursor(last.position, last.id) : null,
    };
  }

  /** The set, if the caller is a researcher of its project (also asked before an upload's body is read). */
  async requireSetOfResearcher(subjectSetId: string, user: AuthUser): Promise<SubjectSet> {
    const set = await this.db.getRepository(SubjectSet).findOneBy({ id: subjectSetId });
    if (!set) throw notFound(`Subject set ${subjectSetId}`, '/params/id');
    await this.access.requireResearcher(set.projectId, user, '/params/id', `Subject set ${subjectSetId}`);
    return set;
  }

  async list(projectId: string, user: AuthUser) {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const sets: { id: string; name: string; subjects: string }[] = await this.db.query(
      `SELECT s.id, s.name, count(m.subject_id) AS subjects FROM subject_sets s LEFT JOIN subject_set_members m ON m.subject_set_id = s.id
       WHERE s.project_id = $1 GROUP BY s.id ORDER BY s.created_at`,
      [projectId],
    );
    return { subjectSets: sets.map((set) => ({ ...set, subjects: Number(set.subjects) })) };
  }

  /**
   * Adds subjects in one transaction: all or nothing. A subject whose externalId already exists in the project is
   * not created again but joins this set, so an interrupted upload can simply be sent again. Known answers must be
   * answers the tasks of the workflows the set feeds can take.
   */
  async addSubjects(subjectSetId: string, body: unknown, contentType: string | undefined, user: AuthUser) {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    const upload = subjectsOfUpload(body, contentType);
    const { input } = upload;
    const errors = knownAnswersTheyTake(input, await this.workflowsOfUpload(subjectSetId, set.projectId, input));
    if (errors.length) upload.refuse(errors);
    const subjects = JSON.stringify(input.subjects.map((s) => ({ locations: s.locations, metadata: s.metadata, external_id: s.externalId ?? null, gold_standard: s.goldStandard ?? null })));
    return retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      // Before any subject row: a deletion of the set holds it, then the subjects (so neither waits on the other).
      await this.lockSet(manager, subjectSetId, 'FOR KEY SHARE');
      const updated = await this.requireSameContent(manager, set.projectId, subjects, upload.refuse);
      // A subject uploaded again (same externalId) keeps its locations (checked above) but for the images' `alt` sent
      // (to describe them), and takes the metadata sent, when any is (to correct it); a gold-standard subject's known
      // answers are replaced by those sent (to correct them); whether it is gold standard never changes (checked above,
      // for a subject made gold), as its workflows' hot rows copy that.
      const rows: { id: string; inserted: boolean; images: number; undescribed: number }[] = await manager.query(
        `INSERT INTO subjects (project_id, locations, metadata, external_id, gold_standard)
         SELECT $1, x.locations, x.metadata, x.external_id, x.gold_standard
         FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (locations jsonb, metadata jsonb, external_id text, gold_standard jsonb))
           WITH ORDINALITY AS x(locations, metadata, external_id, gold_standard, ord)
         ORDER BY x.ord
         ON CONFLICT (project_id, external_id) WHERE external_id IS NOT NULL DO UPDATE
           SET gold_standard = CASE WHEN subjects.gold_standard IS NULL THEN NULL ELSE coalesce(EXCLUDED.gold_standard, subjects.gold_standard) END,
               metadata = CASE WHEN EXCLUDED.metadata = '{}'::jsonb THEN subjects.metadata ELSE EXCLUDED.metadata END,
               locations = ${WITH_ALT_SENT('subjects.locations', 'EXCLUDED.locations')}
         RETURNING id, (xmax = 0) AS inserted,
           (SELECT count(*) FROM jsonb_array_elements(subjects.locations) l WHERE l ->> 'type' = 'image')::int AS images,
           (SELECT count(*) FROM jsonb_array_elements(subjects.locations) l WHERE l ->> 'type' = 'image' AND NOT l ? 'alt')::int AS undescribed`,
        [set.projectId, subjects],
      );
      // A subject another upload made after the check above (the insert waited for it) is checked now, as it is.
      await this.requireSameContent(manager, set.projectId, subjects, upload.refuse);
      const ids = rows.map((row) => row.id);
      const addedToSet = await addToSubjectSet(manager, subjectSetId, ids);
      // The consensus download's `since` finds a subject whose metadata or known answers were corrected.
      if (updated.length) {
        await manager.query(
          'UPDATE subject_workflow_status st SET updated_at = now() FROM subjects s WHERE s.id = st.subject_id AND s.project_id = $1 AND s.external_id = ANY($2::text[])',
          [set.projectId, updated],
        );
      }
      const created = rows.filter((row) => row.inserted).length;
      // As stored: an image sent again without its description keeps the one it had.
      const [images, undescribed] = [sum(rows.map((row) => row.images)), sum(rows.map((row) => row.undescribed))];
      const warnings = upload.undescribed(undescribed, images);
      return { created, existing: rows.length - created, addedToSet, updated: updated.length, imagesWithoutAlt: undescribed, subjectIds: ids, ...(warnings.length ? { warnings } : {}) };
    }));
  }

  /**
   * Refuses an upload in which a subject already in the project (same externalId) comes with other locations (what
   * volunteers classified does not change under their answers, so new content needs its own externalId), or with
   * known answers when it is not gold standard (its answers count toward retirement; whether a subject is gold standard
   * never changes). Returns the externalIds of the subjects sent again with other metadata, known answers or images'
   * `alt`, which replace theirs.
   */
  private async requireSameContent(manager: EntityManager, projectId: string, subjects: string, refuse: (errors: FieldError[]) => never): Promise<string[]> {
    const differing: { index: number; external_id: string; locations_differ: boolean; becomes_gold: boolean }[] = await manager.query(
      `SELECT (x.ord - 1)::int AS index, x.external_id, ${WITHOUT_ALT('s.locations')} <> ${WITHOUT_ALT('x.locations')} AS locations_differ,
              s.gold_standard IS NULL AND x.gold_standard IS NOT NULL AS becomes_gold
       FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (locations jsonb, metadata jsonb, external_id text, gold_standard jsonb))
         WITH ORDINALITY AS x(locations, metadata, external_id, gold_standard, ord)
       JOIN subjects s ON s.project_id = $1 AND s.external_id = x.external_id
       WHERE ${WITHOUT_ALT('s.locations')} <> ${WITHOUT_ALT('x.locations')} OR s.locations <> ${WITH_ALT_SENT('s.locations', 'x.locations')}
          OR (x.metadata <> '{}'::jsonb AND s.metadata <> x.metadata)
          OR (x.gold_standard IS NOT NULL AND s.gold_standard IS DISTINCT FROM x.gold_standard)
       ORDER BY x.ord`,
      [projectId, subjects],
    );
    const errors = differing.flatMap((row): FieldError[] => [
      ...(row.locations_differ
        ? [{ pointer: `/subjects/${row.index}/locations`, message: `differ from those of the subject "${row.external_id}" already in the project; a subject's content never changes under its classifications, so give new content its own externalId` }]
        : []),
      ...(row.becomes_gold
        ? [{ pointer: `/subjects/${row.index}/goldStandard`, message: `cannot make the subject "${row.external_id}", already in the project without known answers, gold standard: volunteers' answers to it count toward its retirement; upload it with its known answers under a new externalId` }]
        : []),
    ]);
    if (errors.length) refuse(errors);
    return differing.map((row) => row.external_id);
  }

  /**
   * The workflows whose tasks each uploaded subject's known answers must fit: those the set feeds, and for a gold
   * subject sent again (whose known answers it replaces), those it is already in through other sets.
   */
  private async workflowsOfUpload(subjectSetId: string, projectId: string, input: AddSubjectsInput): Promise<(index: number) => WorkflowBrief[]> {
    const current = 'JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version';
    const fed: WorkflowBrief[] = await this.db.query(
      `SELECT w.id, w.name, v.definition FROM workflow_subject_sets l JOIN workflows w ON w.id = l.workflow_id ${current} WHERE l.subject_set_id = $1`,
      [subjectSetId],
    );
    const externalIds = input.subjects.flatMap((subject) => (subject.goldStandard && subject.externalId ? [subject.externalId] : []));
    const holding: (WorkflowBrief & { external_id: string })[] = externalIds.length
      ? await this.db.query(
          `SELECT s.external_id, w.id, w.name, v.definition FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id
           JOIN workflows w ON w.id = st.workflow_id ${current}
           WHERE s.project_id = $1 AND s.external_id = ANY($2::text[]) AND s.gold_standard IS NOT NULL`,
          [projectId, externalIds],
        )
      : [];
    return (index) => {
      const externalId = input.subjects[index]!.externalId;
      const all = [...fed, ...holding.filter((row) => row.external_id === externalId)];
      return [...new Map(all.map((workflow) => [workflow.id, workflow])).values()];
    };
  }
}
