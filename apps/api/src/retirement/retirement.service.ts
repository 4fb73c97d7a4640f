import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type PrioritiesSet, RESEARCHER_ROLES, type SubjectsRetired, type SubjectsUnretired, notInWorkflow } from '@chorus/client';
import { classificationsNeededAtMost } from '@chorus/consensus';
import { OWE_AGGREGATION, TAKE_DOWN_LOCK, byExcludedVolunteerOfWorkflowSql, inNaturalOrder, isTakenDownSql, isUnlinked, recordSubjectEvents, recordSubjectEventsIn } from '@chorus/db';
import { type FieldError, inEachScriptsDigits } from '@chorus/tasks';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, validationFailed } from '../common/problem';
import { researchersTransaction, retryOnDeadlock, returnedRows } from '../common/sql';
import { JobProducer } from '../jobs/job-producer';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import type { PrioritiesInput, RetireRequest, RetirementRequest } from './dto/retirement.dto';
import { TAKE_DOWN_ELSEWHERE, inTakenDownSql, moderatedRetirementSql, retirementKeptSql, takeDownSetSql } from './retired-by-sql';

/** Subjects chosen by id, or every subject of a set, within one workflow. */
const CHOSEN = `st.workflow_id = $1 AND (st.subject_id = ANY($2::uuid[])
  OR st.subject_id IN (SELECT m.subject_id FROM subject_set_members m WHERE m.subject_set_id = $3))`;

/** Whether volunteers other than `user` (an SQL expression) reported hot row `st`'s subject in its workflow: their own report does not count. */
const reportedByOthers = (user: string) =>
  `EXISTS (SELECT 1 FROM subject_reports r WHERE r.workflow_id = st.workflow_id AND r.subject_id = st.subject_id AND r.user_id <> ${user})`;

/**
 * What a retirement changes of the chosen subjects ($3, the set, null when they were named): those not retired yet, but
 * for a set's gold-standard subjects, which stay served; a gold-standard subject named was reported (`retire`), and is
 * taken down like any other.
 */
const RETIRABLE = `st.retired_at IS NULL AND (NOT st.gold_standard OR $3::uuid IS NULL)`;

/**
 * Whether the retirement an earlier unretirement of hot row `st` undid, as kept, was a moderation's: the record of a
 * take-down, which an unretirement of a retirement that was not one (the rule's, after it) does not replace.
 */
const MODERATION_UNDONE_BEFORE = `(st.unretired_retirement IS NOT NULL AND ${moderatedRetirementSql('st', "st.unretired_retirement->>'reason'", 'st.unretired_retirement')})`;

/** The positions (0-based) of the ids in $2 whose hot row in workflow $1 meets `condition` (on `st`). */
const CHOSEN_WHERE = (condition: string) => `SELECT (i.ord - 1)::int AS index FROM unnest($2::uuid[]) WITH ORDINALITY AS i(subject_id, ord)
  JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = i.subject_id AND ${condition}
  ORDER BY i.ord`;

/** The positions (0-based) of the ids in $2 that name no subject of workflow $1. */
const NOT_IN_WORKFLOW = `SELECT (i.ord - 1)::int AS index FROM unnest($2::uuid[]) WITH ORDINALITY AS i(subject_id, ord)
  WHERE NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = i.subject_id)
  ORDER BY i.ord`;

/** For each externalId in $2, in order, the id of the subject of workflow $1's project it names, if workflow $1 has it. */
const BY_EXTERNAL_ID = `SELECT st.subject_id AS id FROM unnest($2::text[]) WITH ORDINALITY AS i(external_id, ord)
  LEFT JOIN subjects s ON s.project_id = (SELECT w.project_id FROM workflows w WHERE w.id = $1) AND s.external_id = i.external_id
  LEFT JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = s.id
  ORDER BY i.ord`;

/**
 * Of externalIds that name no subject of workflow $1, given as the positions (1-based) in $2 and the forms in $3 of each
 * (in each script's digits: `inEachScriptsDigits`), the positions (0-based) of those that differ from a
 * subject's of the workflow in capitals or in the script of their digits alone (`012` for `٠١٢`), with that subject's
 * (the first, if several): asked only for names refused, so the exact match stays the rule.
 */
const NEAR_MISSES = `SELECT (f.ord - 1)::int AS index, min(s.external_id) AS external_id
  FROM unnest($2::int[], $3::text[]) AS f(ord, form)
  JOIN subjects s ON s.project_id = (SELECT w.project_id FROM workflows w WHERE w.id = $1) AND lower(s.external_id) = lower(f.form)
  JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = s.id
  GROUP BY f.ord`;

/**
 * Of the externalIds in $2 that name no subject of workflow $1, the positions (0-based) of those that are the label of
 * one or more of its IIIF canvases (a manifest's subject keeps its canvas's label as metadata `canvas_label`, and its
 * canvas URI as externalId), with the subjects and their externalIds (in natural order): a museum's object number is the label, not the URI.
 */
const BY_CANVAS_LABEL = `SELECT (i.ord - 1)::int AS index, array_agg(s.id ORDER BY ${inNaturalOrder('s.external_id')}) AS ids, array_agg(s.external_id ORDER BY ${inNaturalOrder('s.external_id')}) AS external_ids
  FROM unnest($2::text[]) WITH ORDINALITY AS i(label, ord)
  JOIN subjects s ON s.project_id = (SELECT w.project_id FROM workflows w WHERE w.id = $1) AND s.metadata->>'canvas_label' = i.label
  JOIN subject_workflow_status st ON st.workflow_id = $1 AND st.subject_id = s.id
  GROUP BY i.ord`;

/** How many of a canvas label's subjects a refusal names, so a label every page shares stays readable. */
const CANDIDATES_NAMED = 5;

/**
 * The subjects a request chose: those it named (by id or by externalId), each with the pointer that named it, or
 * every subject of a set.
 */
interface Chosen {
  ids: string[];
  pointers: string[];
  subjectSetId: string | null;
}

/** A subject as a request names it, by id or by externalId, and where in the request. */
interface SubjectName {
  subjectId?: string;
  externalId?: string;
  pointer: string;
}

/**
 * The answers given to unretired subjects ($2) while they were retired count again: toward retirement, and in the
 * consensus (but for tries made while the workflow was a draft, which never count). Every unretired subject with answers is owed an aggregation, so its rule is applied again at once: one
 * whose answers meet it retires again, whether or not answers were restored. Restored answers are judged now
 * (`judged_count`) with every answer counted before them (`OWE_AGGREGATION`), so that one whose answers meet its rule
 * only with them retires at the last of them, rather than at the answer it first retired with, which would leave the
 * restored ones out again.
 */
const RESTORE_ANSWERS_AND_REAPPLY_RULE = `
  WITH restored AS (
    UPDATE classifications c SET after_retirement = false, updated_at = now()
    WHERE c.workflow_id = $1 AND c.subject_id = ANY($2::uuid[]) AND c.after_retirement
    RETURNING c.subject_id, c.gold_standard, c.made_in_draft, ${byExcludedVolunteerOfWorkflowSql('c', '$1')} AS excluded
  ), counted AS (
    UPDATE subject_workflow_status st SET counted_count = st.counted_count + r.n, judged_count = st.counted_count + r.n
    FROM (SELECT subject_id, count(*)::int AS n FROM restored WHERE NOT (gold_standard OR made_in_draft OR excluded) GROUP BY subject_id) r
    WHERE st.workflow_id = $1 AND st.subject_id = r.subject_id
  ), owed AS (
    INSERT INTO aggregation_outbox (workflow_id, subject_id)
    SELECT $1::uuid, st.subject_id FROM subject_workflow_status st
    WHERE st.workflow_id = $1 AND st.subject_id = ANY($2::uuid[]) AND st.classification_count > 0
    ON CONFLICT DO NOTHING RETURNING 1
  )
  SELECT count(*)::int AS owed,
    (SELECT count(*)::int FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.subject_id = ANY($2::uuid[]) AND st.classification_count > 0) AS answered
  FROM owed`;

/**
 * Locks the hot rows of the chosen subjects that meet `condition` in key order, as submits and aggregation lock
 * them, so that a change to a whole set never deadlocks with them (an update alone locks in whatever order it scans).
 */
async function lockChosenInKeyOrder(manager: EntityManager, workflowId: string, chosen: Pick<Chosen, 'ids' | 'subjectSetId'>, condition = 'true'): Promise<void> {
  await manager.query(`SELECT 1 FROM subject_workflow_status st WHERE ${CHOSEN} AND ${condition} ORDER BY st.subject_id FOR UPDATE`, [
    workflowId,
    chosen.ids,
    chosen.subjectSetId,
  ]);
}

/**
 * Researchers retire and unretire subjects by hand (moderators retire reported subjects); both take effect in every
 * queue at once. A request that names a subject outside the workflow, or a set not linked to it, is refused whole,
 * naming each such field.
 */
@Injectable()
export class RetirementService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly jobs: JobProducer,
  ) {}

  /**
   * Gold-standard subjects are not retired by a rule or a researcher's choice (they measure volunteers, and a workflow
   * is complete without them): of a set, they are left as they are and counted in `leftGoldStandard`; named, one is
   * refused, unless other volunteers reported it in the workflow: then it may be taken down like any reported subject
   * (someone's personal data must come off volunteers' screens whatever the subject is for), until a researcher
   * unretires it. Subjects retired already keep their retirement and its reason, counted in `alreadyRetired`. A
   * moderator retires subjects that volunteers reported in the workflow, named one by one, and no others (`requireReported`).
   * A take-down (a moderator's retirement, or a researcher's asked for as one: `takeDown`) retires each subject named as
   * taken down, one retired already too (reports often come after its rule retired it; its earlier retirement is kept
   * in the record), and every row of it in the project's other workflows (`TAKE_DOWN_ELSEWHERE`), in the same
   * transaction, with the same reason and who did it; each is unretired by name in its own workflow. One taken down
   * here already is left as it is here, and elsewhere so is a row a researcher lifted by name: sent again, a take-down
   * reaches only the rows an older one never did.
   */
  async retire(workflowId: string, request: RetireRequest, user: AuthUser): Promise<SubjectsRetired> {
    const { role, workflow } = await this.workflows.requireModerator(workflowId, user);
    const chosen = await this.chosenInWorkflow(workflowId, request);
    const researcher = RESEARCHER_ROLES.includes(role);
    if (!researcher) await this.requireReported(workflowId, chosen, user.id);
    const takeDown = !researcher || request.takeDown === true;
    await this.failForChosen(
      workflowId,
      chosen,
      `st.gold_standard AND NOT ${reportedByOthers('$3')}`,
      'is a gold-standard subject, which is never retired unless volunteers report it (it is then taken down from the reported subjects); to stop serving it, unlink its set, or upload it again without known answers under a new externalId',
      [user.id],
    );
    const detail = { reason: request.reason, by: user.id, role, ...(takeDown ? { takenDown: true } : {}) };
    // Tried again after a deadlock: the worker's routing locks a subject's rows in other workflows after its own.
    const { retired, gold, already, takenDown, elsewhere, deliveries } = await retryOnDeadlock(() =>
      researchersTransaction(this.db, async (manager) => {
        if (takeDown) await lockTakenDown(manager, workflow.projectId, chosen.ids);
        else await lockChosenInKeyOrder(manager, workflowId, chosen, RETIRABLE);
        // The counts read the rows as they were before the update (one snapshot).
        const [counts]: { retired: number; gold: number; already: number; taken_down: number; taken_down_ids: string[]; newly_down_ids: string[]; retired_ids: string[] }[] = await manager.query(
          `WITH changed AS (
             UPDATE subject_workflow_status st SET ${takeDown ? takeDownSetSql('st', '$4::jsonb') : `retired_at = now(), retirement_reason = 'manual', retirement_detail = $4, retired_by_classification_id = NULL, retired_under_version = NULL, updated_at = now()`}
             FROM subject_workflow_status before
             WHERE before.workflow_id = st.workflow_id AND before.subject_id = st.subject_id AND ${CHOSEN} AND ${takeDown ? `NOT ${isTakenDownSql('st')}` : RETIRABLE}
             RETURNING st.subject_id, before.retired_at IS NULL AS newly)
           SELECT (SELECT count(*) FROM changed WHERE newly)::int AS retired, (SELECT count(*) FROM changed)::int AS taken_down,
             (SELECT coalesce(array_agg(subject_id::text), '{}') FROM changed) AS taken_down_ids,
             (SELECT coalesce(array_agg(subject_id::text), '{}') FROM changed WHERE newly) AS retired_ids,
             -- Read as before the update (the statement's snapshot): those taken down nowhere in the project until now.
             (SELECT coalesce(array_agg(c.subject_id::text), '{}') FROM changed c WHERE NOT ${inTakenDownSql('c.subject_id')}) AS newly_down_ids,
             (SELECT count(*) FROM subject_workflow_status st WHERE ${CHOSEN} AND st.gold_standard)::int AS gold,
             (SELECT count(*) FROM subject_workflow_status st WHERE ${CHOSEN} AND st.retired_at IS NOT NULL)::int AS already`,
          [workflowId, chosen.ids, chosen.subjectSetId, JSON.stringify(detail)],
        );
        // One taken down here already is carried over only where a researcher did not lift it by name since: sent again,
        // a take-down reaches the rows an older one never did, and no lifted one.
        const elsewhere = takeDown ? returnedRows<{ workflow_id: string; subject_id: string; newly: boolean }>(await manager.query(TAKE_DOWN_ELSEWHERE, [workflowId, chosen.ids, counts!.taken_down_ids])) : [];
        if (takeDown) await classificationsChangedByTakeDown(manager, counts!.newly_down_ids);
        const deliveries = await recordSubjectEvents(manager, 'subject.retired', workflowId, counts!.retired_ids);
        // Retired in the project's other workflows by the take-down carried there: told there too.
        deliveries.push(...(await recordSubjectEventsIn(manager, 'subject.retired', elsewhere.filter((row) => row.newly))));
        return { ...counts!, takenDown: counts!.taken_down, elsewhere: [...new Set(elsewhere.map((row) => row.workflow_id))], deliveries };
      }),
    );
    // The worker looks whether the workflow completed (a whole run, for skills), as after a retirement by its rule.
    for (const retiredIn of [...(retired ? [workflowId] : []), ...elsewhere]) await this.jobs.aggregate(retiredIn);
    await this.jobs.deliverWebhooks(deliveries);
    return {
      retired,
      ...(chosen.subjectSetId && gold ? { leftGoldStandard: gold } : {}),
      ...(already ? { alreadyRetired: already } : {}),
      ...(takeDown && takenDown ? { takenDown } : {}),
    };
  }

  /**
   * A subject that already has every classification the workflow's retirement rule can ask for stays retired: the
   * queue would never serve it again (nor would it retire), so the rule must ask for more first. Named by id, it is
   * refused; in a set, the others are unretired and it is counted in `leftRetired`. Answers given while a subject was
   * retired (a volunteer who held it when it was retired by mistake) count again; a subject whose answers meet its
   * rule retires again at once, by its rule. Subjects this workflow's effects had put in other sets stay there while
   * unretired (`routedInto` says which sets): the consensus of their next retirement routes them again. A subject
   * retired by moderation (`moderatedRetirementSql`: a take-down, here or carried over, or a researcher's retirement on a
   * volunteer's report) stays retired when its set is unretired, counted in `leftModerated`; named, it is unretired in
   * this workflow alone, counted in `moderatedUnretired` (a take-down's rows elsewhere stay, and keep it taken down; their download rows change: `changedElsewhere`). Either way the retirement an
   * unretirement undoes is kept (`unretired_retirement`), so the download still says who took it down and why, and
   * what a take-down took over (`earlier`, with a rule's deciding classification and version); a rule's retirement
   * undone keeps its deciding classification and version alike.
   */
  async unretire(workflowId: string, request: RetirementRequest, user: AuthUser): Promise<SubjectsUnretired> {
    const workflow = await this.workflows.requireResearcher(workflowId, user);
    const chosen = await this.chosenInWorkflow(workflowId, request);
    await this.failForChosen(workflowId, chosen, isUnlinked('st'), 'is in no subject set linked to this workflow; link one of its sets to bring it back');
    const most = classificationsNeededAtMost((await this.versions.definition(workflowId, workflow.version))!.retirement);
    // Only a researcher who names a subject retired by moderation puts it back: a whole set is not a look at each.
    const unretirable = chosen.subjectSetId ? `NOT ${moderatedRetirementSql('st')}` : 'true';
    const leftRetired = await this.requireRoomForMore(workflowId, chosen, most, unretirable);
    // Tried again after a deadlock: each unretired subject before its set's retired front lowers that front (a trigger
    // of migration `SequenceFronts`), locking the link rows in the order the subjects come, which another unretirement
    // may lock the other way round.
    const { unretired, moderated, leftModerated, owed, answered, routedInto, deliveries } = await retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      await lockChosenInKeyOrder(manager, workflowId, chosen, `st.retired_at IS NOT NULL AND ${unretirable}`);
      const [{ left }]: { left: number }[] = chosen.subjectSetId
        ? await manager.query(`SELECT count(*)::int AS left FROM subject_workflow_status st WHERE ${CHOSEN} AND st.retired_at IS NOT NULL AND ${moderatedRetirementSql('st')}`, [workflowId, chosen.ids, chosen.subjectSetId])
        : [{ left: 0 }];
      const rows = await manager.query(
        `UPDATE subject_workflow_status st SET retired_at = NULL, retirement_reason = NULL, retirement_detail = NULL, retired_by_classification_id = NULL, retired_under_version = NULL,
           unretired_retirement = CASE WHEN NOT undone.moderated AND ${MODERATION_UNDONE_BEFORE} THEN st.unretired_retirement ELSE ${retirementKeptSql('st', '$1')} END,
           unretired_at = now(), unretired_by = $4, unretirement_note = $6,
           unretired_by_role = (SELECT pm.role FROM project_members pm WHERE pm.project_id = $7 AND pm.user_id = $4),
           ${OWE_AGGREGATION}, updated_at = now()
         FROM (SELECT o.subject_id, ${moderatedRetirementSql('o')} AS moderated, ${isTakenDownSql('o')} AS taken_down FROM subject_workflow_status o WHERE o.workflow_id = $1) undone
         WHERE undone.subject_id = st.subject_id AND ${CHOSEN} AND st.retired_at IS NOT NULL AND st.counted_count < $5 AND ${unretirable}
         RETURNING st.subject_id, undone.moderated, undone.taken_down,
           -- Read as before the update (the statement's snapshot), which changes no other workflow's row.
           undone.taken_down AND NOT EXISTS (SELECT 1 FROM subject_workflow_status td WHERE td.subject_id = st.subject_id AND td.workflow_id <> $1 AND ${isTakenDownSql('td')}) AS down_nowhere`,
        [workflowId, chosen.ids, chosen.subjectSetId, user.id, most, request.reason ?? null, workflow.projectId],
      );
      const unretiredRows = returnedRows<{ subject_id: string; moderated: boolean; taken_down: boolean; down_nowhere: boolean }>(rows);
      const subjectIds = unretiredRows.map((row) => row.subject_id);
      const liftedIds = unretiredRows.filter((row) => row.taken_down).map((row) => row.subject_id);
      await changedElsewhere(manager, workflowId, liftedIds);
      await classificationsChangedByTakeDown(manager, unretiredRows.filter((row) => row.down_nowhere).map((row) => row.subject_id));
      const [reapplied]: { owed: number; answered: number }[] = subjectIds.length ? await manager.query(RESTORE_ANSWERS_AND_REAPPLY_RULE, [workflowId, subjectIds]) : [{ owed: 0, answered: 0 }];
      return {
        unretired: subjectIds.length,
        moderated: unretiredRows.filter((row) => row.moderated).length,
        leftModerated: left!,
        owed: reapplied!.owed > 0,
        answered: reapplied!.answered,
        routedInto: await routedBy(manager, workflowId, subjectIds),
        deliveries: await recordSubjectEvents(manager, 'subject.unretired', workflowId, subjectIds),
      };
    }));
    // After the commit; if Redis is away, the worker's reconciler finds the outbox rows.
    if (owed) await this.jobs.aggregate(workflowId);
    await this.jobs.deliverWebhooks(deliveries);
    return {
      unretired,
      ...(leftRetired ? { leftRetired } : {}),
      ...(leftModerated ? { leftModerated } : {}),
      ...(moderated ? { moderatedUnretired: moderated } : {}),
      ...(answered ? { ruleReapplied: answered } : {}),
      ...(routedInto.length ? { routedInto } : {}),
    };
  }

  /** Priorities are kept whatever the order (researchers may set them before they switch to it), with a warning. */
  async setPriorities(workflowId: string, input: PrioritiesInput, user: AuthUser): Promise<PrioritiesSet> {
    const workflow = await this.workflows.requireResearcher(workflowId, user);
    const named = await this.named(
      workflowId,
      input.priorities.map(({ subjectId, externalId }, index) => ({ subjectId, externalId, pointer: `/priorities/${index}/${subjectId ? 'subjectId' : 'externalId'}` })),
    );
    // One subject named by its id and by its externalId: which priority would win is anyone's guess.
    if (named.ids.length < input.priorities.length) {
      throw validationFailed(
        named.each
          .map((subjectId, index) => ({ subjectId, index, first: named.each.indexOf(subjectId) }))
          .filter(({ index, first }) => index !== first)
          .map(({ index, first }) => ({ pointer: `/priorities/${index}`, message: `names the subject of /priorities/${first} again; give each subject one priority` })),
      );
    }
    const priorities = named.each.map((subjectId, index) => ({ subjectId, priority: input.priorities[index]!.priority }));
    const rows = await researchersTransaction(this.db, async (manager) => {
      await lockChosenInKeyOrder(manager, workflowId, { ids: named.ids, subjectSetId: null });
      return manager.query(
        `UPDATE subject_workflow_status st SET priority = p.priority, updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS p("subjectId" uuid, priority double precision)
         WHERE st.workflow_id = $1 AND st.subject_id = p."subjectId" RETURNING st.subject_id`,
        [workflowId, JSON.stringify(priorities)],
      );
    });
    const updated = returnedRows(rows).length;
    const { order } = (await this.versions.definition(workflowId, workflow.version))!.selection;
    if (order === 'priority') return { updated };
    const message = `are kept, but this workflow serves its subjects in ${order} order; they take effect once its selection order is "priority"`;
    return { updated, warnings: [{ pointer: '/priorities', message }] };
  }

  /** The subjects the request chose: a set linked to the workflow, or subjects of the workflow named by id or externalId. */
  private async chosenInWorkflow(workflowId: string, request: RetirementRequest | RetireRequest): Promise<Chosen> {
    if (request.subjectSetId) {
      const [{ linked }] = await this.db.query('SELECT EXISTS (SELECT 1 FROM workflow_subject_sets WHERE workflow_id = $1 AND subject_set_id = $2) AS linked', [
        workflowId,
        request.subjectSetId,
      ]);
      if (!linked) throw validationFailed([{ pointer: '/subjectSetId', message: 'is not a subject set linked to this workflow; choose one of its subjectSetIds' }]);
      return { ids: [], pointers: [], subjectSetId: request.subjectSetId };
    }
    const byId = (request.subjectIds ?? []).map((subjectId, index) => ({ subjectId, pointer: `/subjectIds/${index}` }));
    const byExternalId = (request.externalIds ?? []).map((externalId, index) => ({ externalId, pointer: `/externalIds/${index}` }));
    return { ...(await this.named(workflowId, [...byId, ...byExternalId])), subjectSetId: null };
  }

  /**
   * The ids of subjects named by id or by externalId: `each` name's, and each subject once (the first that names it),
   * with the pointer that named it; refused whole, naming each one that is not a subject of the workflow.
   */
  private async named(workflowId: string, names: SubjectName[]): Promise<Pick<Chosen, 'ids' | 'pointers'> & { each: string[] }> {
    const byId = names.filter((name) => name.subjectId !== undefined);
    const byExternalId = names.filter((name) => name.externalId !== undefined);
    const outside: { index: number }[] = byId.length ? await this.db.query(NOT_IN_WORKFLOW, [workflowId, byId.map((name) => name.subjectId)]) : [];
    const found: { id: string | null }[] = byExternalId.length ? await this.db.query(BY_EXTERNAL_ID, [workflowId, byExternalId.map((name) => name.externalId)]) : [];
    const idOf = new Map<SubjectName, string | null>([...byId.map((name) => [name, name.subjectId!] as const), ...byExternalId.map((name, index) => [name, found[index]!.id] as const)]);
    for (const { index } of outside) idOf.set(byId[index]!, null);
    const labelled = await this.byCanvasLabel(workflowId, names.filter((name) => !idOf.get(name)));
    for (const [name, { ids }] of labelled) if (ids.length === 1) idOf.set(name, ids[0]!);
    const missing = names.filter((name) => !idOf.get(name));
    const nearMiss = await this.nearMisses(workflowId, missing);
    failUnlessNone(
      missing.map((name) => {
        const candidates = labelled.get(name)?.externalIds;
        return { pointer: name.pointer, message: candidates ? severalLabelled(candidates) : notInWorkflow(nearMiss.get(name)) };
      }),
    );
    const each = names.map((name) => idOf.get(name)!);
    const pointerOf = new Map<string, string>();
    names.forEach((name, index) => {
      if (!pointerOf.has(each[index]!)) pointerOf.set(each[index]!, name.pointer);
    });
    return { ids: [...pointerOf.keys()], pointers: [...pointerOf.values()], each };
  }

  /**
   * Of the names by externalId that found no subject, those that are the label of canvases of the workflow (a unique
   * one names its subject; several are refused, listed), since researchers know a photo by its object number.
   */
  private async byCanvasLabel(workflowId: string, missing: SubjectName[]): Promise<Map<SubjectName, { ids: string[]; externalIds: string[] }>> {
    const byExternalId = missing.filter((name) => name.externalId !== undefined);
    if (!byExternalId.length) return new Map();
    const found: { index: number; ids: string[]; external_ids: string[] }[] = await this.db.query(BY_CANVAS_LABEL, [workflowId, byExternalId.map((name) => name.externalId)]);
    return new Map(found.map(({ index, ids, external_ids }) => [byExternalId[index]!, { ids, externalIds: external_ids }]));
  }

  /** Of the names by externalId that found no subject, those that differ from a subject's only in capitals or digits' script, with it. */
  private async nearMisses(workflowId: string, missing: SubjectName[]): Promise<Map<SubjectName, string>> {
    const byExternalId = missing.filter((name) => name.externalId !== undefined);
    if (!byExternalId.length) return new Map();
    const forms = byExternalId.flatMap((name, index) => inEachScriptsDigits(name.externalId!).map((form) => ({ ord: index + 1, form })));
    const found: { index: number; external_id: string }[] = await this.db.query(NEAR_MISSES, [workflowId, forms.map(({ ord }) => ord), forms.map(({ form }) => form)]);
    return new Map(found.map(({ index, external_id }) => [byExternalId[index]!, external_id]));
  }

  /**
   * A moderator's retirement takes off volunteers' screens a subject they reported (sensitive content, a broken
   * image), kept for the record with who did it and why, which researchers can undo; what else to retire changes the
   * science, and is the researchers' to decide. So it names reported subjects only, one by one: a set, or a subject
   * nobody reported in the workflow, is refused (403, naming each).
   */
  private async requireReported(workflowId: string, chosen: Chosen, moderatorId: string): Promise<void> {
    // Their own report does not count: a moderator could otherwise report, then retire, any subject.
    const why = 'a moderator retires only subjects that other volunteers reported in this workflow; ask one of its researchers';
    if (chosen.subjectSetId) throw new ProblemException(403, `Retiring a subject set is for researchers: ${why}.`, [{ pointer: '/subjectSetId', message: `names a set: ${why}` }]);
    const found: { index: number }[] = await this.db.query(
      CHOSEN_WHERE(`NOT ${reportedByOthers('$3')}`),
      [workflowId, chosen.ids, moderatorId],
    );
    if (!found.length) return;
    const errors = found.map(({ index }) => ({ pointer: chosen.pointers[index]!, message: `was not reported by other volunteers: ${why}` }));
    throw new ProblemException(403, `Only subjects volunteers reported may be retired by a moderator: ${errors.map((error) => error.pointer).join(', ')} ${errors.length === 1 ? 'was' : 'were'} not.`, errors);
  }

  /** Refuses the request, naming each subject it named whose hot row meets `condition` (on $3… the `parameters`; none when it chose a set). */
  private async failForChosen(workflowId: string, chosen: Chosen, condition: string, message: string, parameters: unknown[] = []): Promise<void> {
    if (!chosen.ids.length) return;
    const found: { index: number }[] = await this.db.query(CHOSEN_WHERE(condition), [workflowId, chosen.ids, ...parameters]);
    failUnlessNone(found.map(({ index }) => ({ pointer: chosen.pointers[index]!, message })));
  }

  /**
   * Refuses subjects named by id that have no room for more classifications; of a set, refuses only when none of its
   * retired subjects that are `unretirable` has room. How many of the set stay retired for want of it.
   */
  private async requireRoomForMore(workflowId: string, chosen: Chosen, most: number, unretirable: string): Promise<number> {
    const retired: { subject_id: string; full: boolean }[] = await this.db.query(
      `SELECT st.subject_id, st.counted_count >= $4 AS full FROM subject_workflow_status st WHERE ${CHOSEN} AND st.retired_at IS NOT NULL AND ${unretirable}`,
      [workflowId, chosen.ids, chosen.subjectSetId, most],
    );
    const full = retired.filter((row) => row.full);
    if (!full.length) return 0;
    const fix = `${most} or more classifications, as many as the workflow's retirement rule can ask for; raise its count or maximum in a new version of the workflow, then unretire`;
    if (chosen.subjectSetId) {
      if (full.length < retired.length) return full.length;
      throw validationFailed([{ pointer: '/subjectSetId', message: `holds ${full.length} retired subjects, and every one already has ${fix}` }]);
    }
    const position = new Map(chosen.ids.map((id, index) => [id, index]));
    const named = full.map((row) => position.get(row.subject_id)!).sort((a, b) => a - b);
    throw validationFailed(named.map((index) => ({ pointer: chosen.pointers[index]!, message: `already has ${fix}` })));
  }
}

/**
 * Before a take-down of subjects `subjectIds` in a project: locks their rows in every workflow of the project in one
 * statement, in key order (workflow, subject: as the worker's aggregation locks them, and `leaveWorkflow`), then the
 * take-down's lock (`TAKE_DOWN_LOCK`), so that a subject joining a workflow meanwhile (an upload, a set linked, a
 * routing: `joinWorkflows`) joins once the take-down is committed, and is then taken down as it joins; one that joined
 * while it waited is seen by the take-down's update. The row locks come first: the worker's routing takes the shared
 * lock while it holds the rows it aggregates. Then the subjects' classifications (`classificationsChangedByTakeDown`),
 * as the worker and a correction (`lockWorkflowRowsOf`, after the subject's row, which a take-down never locks) do.
 */
async function lockTakenDown(manager: EntityManager, projectId: string, subjectIds: string[]): Promise<void> {
  await manager.query('SELECT 1 FROM subject_workflow_status o WHERE o.subject_id = ANY($1::uuid[]) ORDER BY o.workflow_id, o.subject_id FOR UPDATE', [subjectIds]);
  await manager.query(`SELECT pg_advisory_xact_lock(${TAKE_DOWN_LOCK('$1')})`, [projectId]);
}

/**
 * Marks the rows of subjects whose take-down was lifted in workflow `workflowId` changed in the project's other
 * workflows (`updated_at`): their consensus download's `taken_down` is the subject's, so an incremental download must
 * give them again. Locked in key order after the workflow's own rows, as the worker's routing locks them.
 */
async function changedElsewhere(manager: EntityManager, workflowId: string, subjectIds: string[]): Promise<void> {
  if (!subjectIds.length) return;
  await manager.query(
    `UPDATE subject_workflow_status o SET updated_at = now()
     FROM (SELECT workflow_id, subject_id FROM subject_workflow_status WHERE subject_id = ANY($2::uuid[]) AND workflow_id <> $1 ORDER BY workflow_id, subject_id FOR UPDATE) locked
     WHERE o.workflow_id = locked.workflow_id AND o.subject_id = locked.subject_id`,
    [workflowId, subjectIds],
  );
}

/**
 * Marks changed (`updated_at`) the classifications of subjects `subjectIds`, in every workflow, that a take-down made
 * or lifted has just made taken down somewhere in the project where they were nowhere, or nowhere where they were
 * somewhere: the raw download withholds a subject's metadata and media while it is taken down in any workflow
 * (`withheldWhileTakenDownSql`), so an incremental download must give its rows again then, and only then.
 */
async function classificationsChangedByTakeDown(manager: EntityManager, subjectIds: string[]): Promise<void> {
  if (!subjectIds.length) return;
  await manager.query('UPDATE classifications SET updated_at = now() WHERE subject_id = ANY($1::uuid[])', [subjectIds]);
}

/** The sets the workflow's effects put some of the subjects in (and they are still in), with how many of them each. */
async function routedBy(manager: EntityManager, workflowId: string, subjectIds: string[]): Promise<NonNullable<SubjectsUnretired['routedInto']>> {
  if (!subjectIds.length) return [];
  return manager.query(
    `SELECT e.subject_set_id AS "subjectSetId", ss.name, count(*)::int AS subjects
     FROM unnest($2::uuid[]) AS u(subject_id)
     JOIN effect_memberships e ON e.subject_id = u.subject_id AND e.workflow_id = $1 AND e.left_at IS NULL
     JOIN subject_sets ss ON ss.id = e.subject_set_id
     GROUP BY e.subject_set_id, ss.name, ss.created_at ORDER BY ss.created_at, e.subject_set_id`,
    [workflowId, subjectIds],
  );
}

function failUnlessNone(errors: FieldError[]): void {
  if (errors.length) throw validationFailed(errors);
}

/** The refusal of a canvas label that several of the workflow's subjects have: which one is meant is the researcher's to say. */
function severalLabelled(externalIds: string[]): string {
  const named = externalIds.slice(0, CANDIDATES_NAMED).map((externalId) => JSON.stringify(externalId)).join(', ');
  const more = externalIds.length > CANDIDATES_NAMED ? ` and ${externalIds.length - CANDIDATES_NAMED} more` : '';
  return `is the canvas label of ${externalIds.length} subjects of this workflow (${named}${more}); name the one you mean by its external id`;
}
