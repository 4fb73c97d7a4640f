import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SubjectPage, SubjectSetDeleted } from '@chorus/client';
import { InjectDataSource } from '@nestjs/typeorm';
import { SubjectSet, addToSubjectSet, effectAddsTo, holdRoutingOf, leaveSet, lockSetForLeaving, removeFromSubjectSet } from '@chorus/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import type { FieldError, SubjectLocation, WorkflowDefinition } from '@chorus/tasks';
import { unreadableKnownAnswers } from '../classifications/gold-feedback';
import { ProblemException, conflict, notFound, validationFailed } from '../common/problem';
import { UNIQUE_VIOLATION, researchersTransaction, retryOnDeadlock } from '../common/sql';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { JobProducer } from '../jobs/job-producer';
import type { SubjectRow } from '../common/subject-view';
import { routeAccess } from '../projects/access-first';
import { ProjectAccess } from '../projects/project-access';
import { type AddSubjectsInput, type CreateSubjectSetInput, type SubjectPageQuery, subjectCursor } from './dto/subject-set.dto';
import type { UploadQuery } from './dto/subject-correction.dto';
import { type LocationsReplaced, TAKING_SENT, WITHOUT_ALT, correctionErrors, lockWorkflowRowsOf, markLocationsChanged, recordCorrections } from './subject-locations';
import { asStored, formerlyReadKeys, subjectsOfUpload } from './subject-uploads';
import { corpusName, passageNames } from './passage-names';

/**
 * What names a subject sent again: its externalId, or, for a text corpus's passages (which have none), their content
 * key. Column names, never a caller's text.
 */
type SubjectKey = 'external_id' | 'content_key';

/** The subjects of an upload as the statements read them (`jsonb_to_recordset`), with their places in it (`ord`, from 1). */
const SENT = `ROWS FROM (jsonb_to_recordset($2::jsonb) AS (locations jsonb, metadata jsonb, external_id text, content_key text, gold_standard jsonb, id uuid))
  WITH ORDINALITY AS x(locations, metadata, external_id, content_key, gold_standard, id, ord)`;

/** An upload's subjects, as sent and as the statements read them, and how to refuse it. */
interface SentSubjects {
  input: AddSubjectsInput;
  json: string;
  key: SubjectKey;
  /** Subjects sent again with other locations take them, as corrections (else they are refused). */
  replacing: boolean;
  refuse: (errors: FieldError[]) => never;
}

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

/** The unique index refused a set's name another set of its project has. */
const isSubjectSetNameTaken = (error: unknown): boolean => {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === UNIQUE_VIOLATION && constraint === 'subject_sets_project_name_key';
};

/** The refusal of a set's name another set of the project has: that set, named, to upload into instead. */
function subjectSetNameTaken(existing: { id: string; name: string }): ProblemException {
  const taken = new ProblemException(
    409,
    `The project already has a subject set named ${JSON.stringify(existing.name)} (${existing.id}); choose another name, or upload into that set (POST /subject-sets/${existing.id}/subjects).`,
    [{ pointer: '/name', message: `is the name of the subject set ${JSON.stringify(existing.name)} already` }],
    'subject-set-name-taken',
  );
  taken.body.subjectSet = existing;
  return taken;
}

@Injectable()
export class SubjectSetsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly idempotentRequests: IdempotentRequests,
    private readonly jobs: JobProducer,
  ) {}

  async create(projectId: string, input: CreateSubjectSetInput, user: AuthUser) {
    await this.access.requireResearcher(projectId, user, '/params/id');
    return this.withFreeName(projectId, input.name, undefined, () =>
      researchersTransaction(this.db, async (manager) => {
        const set = await manager.getRepository(SubjectSet).save({ projectId, name: input.name });
        const created = { id: set.id, name: set.name, projectId };
        await this.idempotentRequests.keepAnswerIn(manager, { body: created });
        return created;
      }),
    );
  }

  async rename(subjectSetId: string, input: CreateSubjectSetInput, user: AuthUser) {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    return this.withFreeName(set.projectId, input.name, subjectSetId, async () => {
      await this.db.getRepository(SubjectSet).update({ id: subjectSetId }, { name: input.name });
      return { id: set.id, name: input.name, projectId: set.projectId };
    });
  }

  /**
   * Creates or renames a set (`write`), refusing a name another set of the project has, compared trimmed and case aside
   * ("Letters", " letters "), so that a researcher who uploads twice does not get two sets they cannot tell apart. The
   * unique index `subject_sets_project_name_key` holds the rule, for requests at the same moment too; its refusal names
   * the set that has the name, which the refused request looks up afterwards (looking again if that set was renamed or
   * deleted meanwhile).
   */
  private async withFreeName<T>(projectId: string, name: string, renamedSetId: string | undefined, write: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (!isSubjectSetNameTaken(error)) throw error;
        // Compared as the index compares names (its expression, so that it finds the set).
        const [existing]: { id: string; name: string }[] = await this.db.query(
          'SELECT id, name FROM subject_sets WHERE project_id = $1 AND lower(btrim(name)) = lower(btrim($2)) AND id IS DISTINCT FROM $3::uuid LIMIT 1',
          [projectId, name, renamedSetId ?? null],
        );
        if (existing) throw subjectSetNameTaken(existing);
        if (attempt === 3) throw error;
      }
    }
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
      const left = await leaveSet(manager, subjectSetId, null);
      await manager.query('DELETE FROM subject_sets WHERE id = $1', [subjectSetId]);
      return left;
    }));
  }

  /**
   * Takes one subject out of a set (`removeFromSubjectSet`, as routing does when a consensus no longer meets an effect),
   * deleted as a set's subjects are when the set is deleted (if in no other set and never classified). The workflows the
   * set feeds stop serving it, unless another set of theirs has it: as if its set were unlinked, for this subject alone.
   * No workflow's effect puts it back, until a researcher uploads it into the set again.
   */
  async removeSubject(subjectSetId: string, subjectId: string, user: AuthUser): Promise<SubjectSetDeleted> {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    const { deliveries, ...left } = await retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      // Routing that would put it back has committed, or reads the removal.
      await holdRoutingOf(manager, subjectId);
      await this.lockSetForLeaving(manager, set);
      const member: unknown[] = await manager.query('SELECT 1 FROM subject_set_members WHERE subject_set_id = $1 AND subject_id = $2', [subjectSetId, subjectId]);
      if (!member.length) throw notFound(`Subject ${subjectId} in subject set ${subjectSetId}`, '/params/subjectId');
      return removeFromSubjectSet(manager, subjectSetId, subjectId, user.id);
    }));
    // Those it retired in the workflows the set feeds, told once it committed.
    await this.jobs.deliverWebhooks(deliveries);
    return left;
  }

  /** `lockSetForLeaving`: a set deleted meanwhile was not found. */
  private async lockSetForLeaving(manager: EntityManager, set: SubjectSet): Promise<void> {
    if (!(await lockSetForLeaving(manager, set))) throw notFound(`Subject set ${set.id}`, '/params/id');
  }

  /** Holds a set's row in the caller's transaction, against its deletion: a set deleted meanwhile was not found. */
  private async holdSet(manager: EntityManager, subjectSetId: string): Promise<void> {
    const found: unknown[] = await manager.query('SELECT 1 FROM subject_sets WHERE id = $1 FOR KEY SHARE', [subjectSetId]);
    if (!found.length) throw notFound(`Subject set ${subjectSetId}`, '/params/id');
  }

  /** Refuses to delete a set that a workflow serves, or that a workflow's effect adds subjects to. */
  private async requireUnused(manager: EntityManager, projectId: string, subjectSetId: string): Promise<void> {
    const users: { id: string; name: string; linked: boolean }[] = await manager.query(
      `SELECT w.id, w.name, EXISTS (SELECT 1 FROM workflow_subject_sets l WHERE l.workflow_id = w.id AND l.subject_set_id = $2) AS linked
       FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
       WHERE w.project_id = $1
         AND (EXISTS (SELECT 1 FROM workflow_subject_sets l WHERE l.workflow_id = w.id AND l.subject_set_id = $2)
              OR ${effectAddsTo('v.definition', '$2::uuid')})
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

  /** The project's sets, oldest first, each with its subjects counted and the workflows whose effects add to it. */
  async list(projectId: string, user: AuthUser) {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const sets: { id: string; name: string; subjects: string; routedBy: { id: string; name: string }[] }[] = await this.db.query(
      `SELECT s.id, s.name, count(m.subject_id) AS subjects,
              (SELECT coalesce(json_agg(json_build_object('id', w.id, 'name', w.name) ORDER BY w.created_at, w.id), '[]')
               FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
               WHERE w.project_id = s.project_id AND ${effectAddsTo('v.definition', 's.id')}) AS "routedBy"
       FROM subject_sets s LEFT JOIN subject_set_members m ON m.subject_set_id = s.id
       WHERE s.project_id = $1 GROUP BY s.id ORDER BY s.created_at`,
      [projectId],
    );
    return { subjectSets: sets.map((set) => ({ ...set, subjects: Number(set.subjects) })) };
  }

  /**
   * Adds subjects in one transaction: all or nothing. A subject whose externalId (or a text passage whose content key,
   * or the key an older Chorus gave it: `asStored`) already exists in the project is not created again but joins this
   * set, so an interrupted upload can simply be sent again. A corpus's passages are named (`passageNames`). Known answers must be answers the tasks of the workflows
   * the set feeds can take. With `replacing`, subjects sent again with other locations take them as corrections
   * (`correctionErrors`), recorded with its reason.
   */
  async addSubjects(subjectSetId: string, body: unknown, contentType: string | undefined, { replacing, fileName }: UploadQuery, user: AuthUser) {
    const set = await this.requireSetOfResearcher(subjectSetId, user);
    const upload = subjectsOfUpload(body, contentType);
    if (fileName !== undefined && !upload.contentKeys) {
      throw validationFailed([{ pointer: '/query/fileName', message: 'names a text corpus’s passages (text/plain) only: leave it out for this upload' }]);
    }
    const errors = knownAnswersTheyTake(upload.input, await this.workflowsOfUpload(subjectSetId, set.projectId, upload.input));
    if (errors.length) upload.refuse(errors);
    const key: SubjectKey = upload.contentKeys ? 'content_key' : 'external_id';
    const { answer, deliveries } = await retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      // Before any subject row: a deletion of the set holds it, then the subjects (so neither waits on the other).
      await this.holdSet(manager, subjectSetId);
      const { input, contentKeys, warnings: formerly } = asStored(upload, await this.storedContentKeys(manager, set.projectId, formerlyReadKeys(upload)));
      // The id a new subject takes, by which (or by its key, for one already stored) the rows the insert returns, in
      // no promised order, are put back in the order sent.
      const newIds = input.subjects.map(() => randomUUID());
      const names = contentKeys ? await passageNames(manager, set.projectId, corpusName(fileName, set.name), input.subjects, contentKeys) : [];
      const stored = input.subjects.map((s, index) => ({
          locations: s.locations,
          metadata: s.metadata,
          external_id: s.externalId ?? names[index] ?? null,
          content_key: contentKeys?.[index] ?? null,
          gold_standard: s.goldStandard ?? null,
          id: newIds[index],
        }));
      const subjects = JSON.stringify(stored);
      const sent: SentSubjects = { input, json: subjects, key, replacing: !!replacing, refuse: upload.refuse };
      const { updated, replaced } = await this.requireSameContent(manager, set.projectId, sent);
      // The corrected subjects' rows are locked; then their workflows' rows in key order, before any other is written
      // (their classifications, below): the order take-downs and the worker keep.
      await lockWorkflowRowsOf(manager, replaced.map((change) => change.subjectId));
      // A subject uploaded again keeps its locations (checked above; with `replacing`, it takes those sent) but for the
      // images' `alt` sent (to describe them), and takes the metadata sent, when any is (to correct it); a gold-standard
      // subject's known answers are replaced by those sent (to correct them); whether it is gold standard never changes
      // (checked above, for a subject made gold), as its workflows' hot rows copy that.
      const returned: { id: string; key: string | null; inserted: boolean; images: number; undescribed: number }[] = await manager.query(
        `INSERT INTO subjects (id, project_id, locations, metadata, external_id, content_key, gold_standard)
         SELECT x.id, $1, x.locations, x.metadata, x.external_id, x.content_key, x.gold_standard FROM ${SENT}
         ORDER BY x.ord
         ON CONFLICT (project_id, ${key}) WHERE ${key} IS NOT NULL DO UPDATE
           SET external_id = coalesce(subjects.external_id, EXCLUDED.external_id),
               gold_standard = CASE WHEN subjects.gold_standard IS NULL THEN NULL ELSE coalesce(EXCLUDED.gold_standard, subjects.gold_standard) END,
               metadata = CASE WHEN EXCLUDED.metadata = '{}'::jsonb THEN subjects.metadata ELSE EXCLUDED.metadata END,
               locations = CASE WHEN subjects.id = ANY($3::uuid[]) OR ${WITHOUT_ALT('subjects.locations')} = ${WITHOUT_ALT('EXCLUDED.locations')}
                 THEN ${TAKING_SENT('EXCLUDED.locations', 'subjects.locations')} ELSE subjects.locations END
         RETURNING id, subjects.${key} AS key, (xmax = 0) AS inserted,
           (SELECT count(*) FROM jsonb_array_elements(subjects.locations) l WHERE l ->> 'type' = 'image')::int AS images,
           (SELECT count(*) FROM jsonb_array_elements(subjects.locations) l WHERE l ->> 'type' = 'image' AND NOT l ? 'alt')::int AS undescribed`,
        [set.projectId, subjects, replaced.map((change) => change.subjectId)],
      );
      // A subject another upload made after the check above (the insert waited for it, and kept its locations) is
      // checked now, as it is: other locations are refused, since this upload did not check them as corrections.
      await this.requireSameContent(manager, set.projectId, { ...sent, replacing: false });
      const rows = inOrderSent(returned, newIds, stored.map((row) => row[key]));
      const ids = rows.map((row) => row.id);
      const { added, deliveries } = await addToSubjectSet(manager, subjectSetId, ids, 'upload');
      const addedToSet = added.length;
      await prioritise(manager, subjectSetId, ids, input.subjects);
      // The consensus download's `since` finds a subject whose metadata or known answers were corrected.
      if (updated.length) {
        await manager.query(
          `UPDATE subject_workflow_status st SET updated_at = now() FROM subjects s WHERE s.id = st.subject_id AND s.project_id = $1 AND s.${key} = ANY($2::text[])`,
          [set.projectId, updated],
        );
      }
      const corrected = replacing ? await recordCorrections(manager, replaced, user.id, replacing.reason) : [];
      await markLocationsChanged(manager, replaced);
      const created = rows.filter((row) => row.inserted).length;
      // As stored: an image sent again without its description keeps the one it had.
      const [images, undescribed] = [sum(rows.map((row) => row.images)), sum(rows.map((row) => row.undescribed))];
      const warnings = [...upload.warnings, ...formerly, ...upload.undescribed(undescribed, images)];
      const answer = {
        created,
        existing: rows.length - created,
        addedToSet,
        updated: updated.length,
        corrected: corrected.length,
        imagesWithoutAlt: undescribed,
        subjectIds: ids,
        ...(upload.manifests ? { manifests: upload.manifests } : {}),
        ...(upload.repeatedManifests ? { repeatedManifests: upload.repeatedManifests } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
      await this.idempotentRequests.keepAnswerIn(manager, { body: answer });
      return { answer, deliveries };
    }));
    // Those back in the queue of a workflow they had left, told unretired once it committed.
    await this.jobs.deliverWebhooks(deliveries);
    return answer;
  }

  /** Which of `keys` name a subject of the project. */
  private async storedContentKeys(manager: EntityManager, projectId: string, keys: string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const rows: { content_key: string }[] = await manager.query('SELECT content_key FROM subjects WHERE project_id = $1 AND content_key = ANY($2::text[])', [projectId, keys]);
    return new Set(rows.map((row) => row.content_key));
  }

  /**
   * Refuses an upload in which a subject already in the project (same key) comes with other locations (what
   * volunteers classified does not change under their answers, so new content needs its own externalId), unless they
   * are corrections the upload says it makes; or with known answers when it is not gold standard (its answers count
   * toward retirement; whether a subject is gold standard never changes). Returns the keys of the subjects sent again
   * with other metadata, known answers or images' `alt`, which replace theirs, and the subjects whose locations the
   * upload corrects, locked until it commits.
   */
  private async requireSameContent(manager: EntityManager, projectId: string, sent: SentSubjects): Promise<{ updated: string[]; replaced: LocationsReplaced[] }> {
    const moved = `${WITHOUT_ALT('s.locations')} <> ${WITHOUT_ALT('x.locations')}`;
    const differing: { index: number; id: string; key: string; locations: SubjectLocation[]; moved: boolean; becomes_gold: boolean; other: boolean }[] = await manager.query(
      `SELECT (x.ord - 1)::int AS index, s.id, s.${sent.key} AS key, s.locations, ${moved} AS moved,
              s.gold_standard IS NULL AND x.gold_standard IS NOT NULL AS becomes_gold,
              (x.metadata <> '{}'::jsonb AND s.metadata <> x.metadata) OR (x.gold_standard IS NOT NULL AND s.gold_standard IS DISTINCT FROM x.gold_standard)
                OR (NOT ${moved} AND s.locations <> ${TAKING_SENT('x.locations', 's.locations')}) AS other
       FROM ${SENT}
       JOIN subjects s ON s.project_id = $1 AND s.${sent.key} = x.${sent.key}
       WHERE ${moved} OR s.locations <> ${TAKING_SENT('x.locations', 's.locations')}
          OR (x.metadata <> '{}'::jsonb AND s.metadata <> x.metadata)
          OR (x.gold_standard IS NOT NULL AND s.gold_standard IS DISTINCT FROM x.gold_standard)
       ORDER BY x.ord
       ${sent.replacing ? 'FOR NO KEY UPDATE OF s' : ''}`,
      [projectId, sent.json],
    );
    const errors = differing.flatMap((row): FieldError[] => [
      ...(row.moved ? this.locationErrors(row, sent) : []),
      ...(row.becomes_gold
        ? [{ pointer: `/subjects/${row.index}/goldStandard`, message: `cannot make the subject "${row.key}", already in the project without known answers, gold standard: volunteers' answers to it count toward its retirement; upload it with its known answers under a new externalId` }]
        : []),
    ]);
    if (errors.length) sent.refuse(errors);
    return {
      updated: differing.filter((row) => row.other).map((row) => row.key),
      replaced: differing.filter((row) => row.moved).map((row) => ({ subjectId: row.id, previous: row.locations })),
    };
  }

  /** Why a subject sent again may not take the other locations it comes with. */
  private locationErrors(row: { index: number; key: string; locations: SubjectLocation[] }, sent: SentSubjects): FieldError[] {
    const pointer = `/subjects/${row.index}/locations`;
    if (sent.replacing) return correctionErrors(row.locations, sent.input.subjects[row.index]!.locations, pointer);
    return [{
      pointer,
      message:
        `differ from those of the subject "${row.key}" already in the project; a subject's content never changes under its classifications, so give new content its own externalId. ` +
        'If they are its images or recordings at new addresses (a moved server, a typo), send the file again with replaceLocations=true and a reason, or correct the subject with PATCH /subjects/:id',
    }];
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

/** A subject set's routes (`subject-sets/:id/…`) for its project's researchers, asked first (`AccessFirst`). */
export const SUBJECT_SET_RESEARCHERS = routeAccess(SubjectSetsService, (subjectSets, id, user) => subjectSets.requireSetOfResearcher(id, user));

/**
 * The rows an upload's insert returned, in the order of the subjects sent (`newIds` the ids new ones took, `keys` the
 * keys sent): a subject stored before is found by its key, as it keeps its own id.
 */
function inOrderSent<Row extends { id: string; key: string | null }>(rows: Row[], newIds: string[], keys: (string | null)[]): Row[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byKey = new Map(rows.flatMap((row) => (row.key === null ? [] : [[row.key, row] as const])));
  return newIds.map((id, index) => byId.get(id) ?? byKey.get(keys[index]!)!);
}

/**
 * Gives the subjects uploaded with a priority (`ids`, in the order of `subjects`) that priority in every workflow the
 * set feeds, and keeps it on their membership of the set, for the workflows linked to it later (`joinWorkflows`): a
 * file sent again sets them again.
 */
async function prioritise(manager: EntityManager, subjectSetId: string, ids: string[], subjects: AddSubjectsInput['subjects']): Promise<void> {
  const given = subjects.flatMap((subject, index) => (subject.priority === undefined ? [] : [{ id: ids[index], priority: subject.priority }]));
  if (!given.length) return;
  await manager.query(
    `UPDATE subject_set_members m SET priority = p.priority
     FROM jsonb_to_recordset($2::jsonb) AS p(id uuid, priority double precision)
     WHERE m.subject_set_id = $1 AND m.subject_id = p.id AND m.priority IS DISTINCT FROM p.priority`,
    [subjectSetId, JSON.stringify(given)],
  );
  await manager.query(
    `UPDATE subject_workflow_status st SET priority = p.priority, updated_at = now()
     FROM jsonb_to_recordset($2::jsonb) AS p(id uuid, priority double precision)
     WHERE st.subject_id = p.id AND st.priority IS DISTINCT FROM p.priority
       AND st.workflow_id IN (SELECT l.workflow_id FROM workflow_subject_sets l WHERE l.subject_set_id = $1)`,
    [subjectSetId, JSON.stringify(given)],
  );
}
