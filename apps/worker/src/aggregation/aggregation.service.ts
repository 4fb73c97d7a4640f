import { Injectable, Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type ClassificationRecord, type TaskConsensus, type VolunteerSkills, WorkBudget, effectsMet, findRetirement, needsChecking, pluralityStanding, reduceSubject } from '@chorus/consensus';
import { byExcludedVolunteerSql, isUnlinked, recordSubjectEvents, routeSubject } from '@chorus/db';
import { type Annotation, type SubjectLocation, type WorkflowDefinition, skillWeightedTasks, storedComparableConsensus } from '@chorus/tasks';
import { DataSource, type EntityManager } from 'typeorm';
import { SkillsRepository } from '../skills/skills.repository';
import { WorkflowDefinitions } from './workflow-definitions';

/** `deferred`: left in the outbox for a later batch, once the batch had used its time (`BATCH_BUDGET_MS`). */
export type AggregationOutcome = 'missing' | 'aggregated' | 'retired' | 'deferred';

export interface SubjectKey {
  workflowId: string;
  subjectId: string;
}

interface StatusRow {
  workflow_id: string;
  subject_id: string;
  /** The hot row's version (its `xmin`): any change to the row since it was read (a submit, a retirement) changes it. */
  stamp: string;
  version: number;
  retired_at: Date | null;
  retirement_reason: string | null;
  /** Its counted classifications (in the order they came) that aggregation last found while it stayed open. */
  judged_count: number;
  /** The subject left the workflow with its set (see `isUnlinked`). */
  unlinked: boolean;
  /** For a retired subject, the version its stored consensus was computed with (null if none). */
  consensus_version: number | null;
  /** Its workflow is finished. */
  finished: boolean;
  /** Its workflow's completion is recorded (`completed_at`). */
  completion_recorded: boolean;
}

/** Retirements a researcher made (by hand, or by unlinking a set) say nothing about the answer, so fire no effects. */
const RETIRED_WITHOUT_AN_ANSWER = new Set(['manual', 'unlinked']);

/** A subject its rule retired earlier (and still in the workflow): its consensus is an answer effects act on. */
const retiredByItsRule = (status: StatusRow) => status.retired_at !== null && !status.unlinked && !RETIRED_WITHOUT_AN_ANSWER.has(status.retirement_reason ?? '');

/**
 * A subject its rule retired earlier, recomputed under a newer version than its consensus was: that version's
 * effects (perhaps new ones) apply to it. Recomputed for any other reason, it is routed again only if its consensus
 * changed (skills learned anew); an answer after retirement, which changes nothing, moves it nowhere.
 */
const owedNewEffects = (status: StatusRow) => retiredByItsRule(status) && (status.consensus_version ?? 0) < status.version;

/** A stored classification as consensus reads it, and whether it was given while its subject was retired. */
interface StoredClassification extends ClassificationRecord {
  givenWhileRetired: boolean;
  /** Made while the workflow was a draft (its team trying it): counted as stored, never in consensus or retirement. */
  madeInDraft: boolean;
  /** Its volunteer is excluded from the project's consensus (`excluded_volunteers`): counted as stored, never in consensus or retirement. */
  byExcludedVolunteer: boolean;
  /** Tasks of the current version whose answer in it the current version cannot read whole (it was given under another). */
  unreadable: string[];
}

/**
 * The tasks whose consensus a retired subject keeps from before: those the current version cannot read every answer
 * of. Recomputed without them, its consensus would no longer be the one it retired with, nor match its reason.
 */
function tasksKeptAsRetired(records: readonly StoredClassification[]): Set<string> {
  return new Set(records.flatMap((record) => record.unreadable));
}

interface Recomputed {
  key: SubjectKey;
  version: number;
  count: number;
  /** The counted classifications it stays open with, if it does. */
  judged?: number;
  /**
   * Each task's consensus, whether it needs checking (`needsChecking`, which reads the subject's other tasks), and its
   * answer's comparable form as the version computing it defines the task (`storedComparableConsensus`), which the API
   * compares approvals with.
   */
  consensus: (TaskConsensus & { needsChecking: boolean; comparableAnswer: string | null })[];
  retirement?: ReturnType<typeof findRetirement>;
  /** Classifications stored after the one that met the rule of a subject retiring now: given, in effect, while retired. */
  late: string[];
  /** For a subject its rule retires (now or before): how its consensus routes it (`routeByEffects`). */
  routing?: Routing;
}

/**
 * What routing a retired subject by its consensus reads: the workflow's definition, the tasks whose stored consensus it
 * keeps (`tasksKeptAsRetired`), and whether it is owed routing whatever its consensus (it retires now, or
 * `owedNewEffects`); otherwise only a consensus that changed routes it again.
 */
interface Routing {
  definition: WorkflowDefinition;
  kept: string[];
  owed: boolean;
}

/**
 * A workflow as aggregation read it with its subjects: its current version's definition, whether it was finished, and
 * whether its completion was recorded (`completed_at`). What a drain passes on, so that what follows it (completion)
 * need not read the workflow again.
 */
export interface WorkflowAsRead {
  definition: WorkflowDefinition;
  finished: boolean;
  completionRecorded: boolean;
}

/** What aggregating subjects did: each one's outcome (by `keyOf`), how many left a set by routing, and their workflows as read. */
export interface Aggregated {
  outcomes: Map<string, AggregationOutcome>;
  routedOut: number;
  workflows: Map<string, WorkflowAsRead>;
  /** The webhook deliveries of the retirements written (`subject.retired`), to enqueue once they commit. */
  deliveries: string[];
}

/** A drain's batch: each subject's outcome or the error that kept it from being aggregated, and what `Aggregated` tells. */
interface Batch {
  outcomes: Map<string, AggregationOutcome | Error>;
  routedOut: number;
  workflow?: WorkflowAsRead;
  deliveries: string[];
}

/** What aggregation reads of subjects: their hot rows, the definitions of their versions, their classifications and the volunteers' skills. */
interface SubjectsRead {
  statuses: StatusRow[];
  definitions: Map<string, WorkflowDefinition>;
  classifications: Map<string, StoredClassification[]>;
  skills: Map<string, Record<string, VolunteerSkills>>;
  /** The locations of the subjects whose transcriptions start from their text, by subject id (see `ReduceOptions`). */
  locations: Map<string, SubjectLocation[]>;
}

/** Whether a workflow's consensus reads its subjects' text: a transcription task starts from it. */
const correctsSubjectText = (definition: WorkflowDefinition): boolean => Object.values(definition.tasks).some((task) => task.type === 'transcription' && task.startFrom !== undefined);

/** The records after the one that met the rule, when it retires the subject now. */
function afterTheTrigger(records: readonly StoredClassification[], retirement: ReturnType<typeof findRetirement> | undefined): StoredClassification[] {
  if (!retirement?.decision.retire || !retirement.triggeredBy) return [];
  return records.slice(records.findIndex((record) => record.id === retirement.triggeredBy) + 1).filter((record) => !record.givenWhileRetired);
}

/** Each workflow of the subjects read, as read (`WorkflowAsRead`). */
function workflowsAsRead({ statuses, definitions }: SubjectsRead): Map<string, WorkflowAsRead> {
  return new Map(
    statuses.map((status) => [
      status.workflow_id,
      { definition: definitions.get(status.workflow_id)!, finished: status.finished, completionRecorded: status.completion_recorded },
    ]),
  );
}

/** How `aggregateSubjects` keys its outcomes. */
export const keyOf = (key: SubjectKey): string => `${key.workflowId}:${key.subjectId}`;

/** Subjects taken from the outbox into one transaction at most. */
const OUTBOX_BATCH = 250;

/**
 * How long a batch may compute before it stops and leaves the subjects it has not reached for the next, so that it
 * writes what it computed soon. Short texts fit a whole batch in it; long transcriptions that volunteers broke into
 * lines differently take 25–30 ms each. No row is locked while it computes (see `aggregateSubjects`).
 */
const BATCH_BUDGET_MS = 250;

/**
 * How many subjects to ask for in the next batch, after one that asked for `limit`, got `taken` and computed `done`
 * of them: about what fitted the budget when it ran out (not a whole batch, to be loaded and left again), else twice
 * the limit, up to `most` (a short batch at the end of a round of the outbox says nothing of the budget).
 */
export function nextBatchSize(limit: number, taken: number, done: number, most: number): number {
  return done < taken ? Math.max(1, done + (done >> 1)) : Math.min(most, limit * 2);
}

/** What draining a workflow's outbox did; `failed` subjects stay in the outbox for the job's next attempt. */
export interface DrainReport {
  aggregated: number;
  retired: number;
  /** Subjects that left a set this workflow's effects had put them in (`routeByEffects`). */
  routedOut: number;
  failed: string[];
  /** The webhook deliveries kept with the retirements, to enqueue. */
  deliveries: string[];
  /** The workflow as the drain's last batch read it; none when it found nothing to aggregate. */
  workflow?: WorkflowAsRead;
}

/**
 * Recomputes subjects' consensus and retirement from all their classifications, many subjects in one transaction
 * and a handful of statements. Safe to run any number of times: the result depends only on what is in the database.
 */
@Injectable()
export class AggregationService {
  private readonly logger = new Logger(AggregationService.name);

  constructor(private readonly db: DataSource, private readonly skills: SkillsRepository, private readonly definitions: WorkflowDefinitions) {}

  /**
   * Aggregates the workflow's subjects waiting in the outbox, a batch per transaction, until none is left. A batch
   * that fails is retried subject by subject, so a subject that cannot be aggregated holds up only itself.
   */
  async drainOutbox(workflowId: string): Promise<DrainReport> {
    const report: DrainReport = { aggregated: 0, retired: 0, routedOut: 0, failed: [], deliveries: [] };
    let limit = OUTBOX_BATCH;
    // Round the outbox in id order, from where the last batch stopped: subjects submitted to meanwhile, whatever
    // their ids, wait one round at most (from the lowest id each time, a steady stream of low ids would hold the rest).
    let after: string | null = null;
    for (;;) {
      const subjectIds = await this.waitingIn(workflowId, report.failed, limit, after);
      if (!subjectIds.length) {
        if (after === null) return report;
        after = null;
        continue;
      }
      let done = 0;
      const { outcomes, routedOut, workflow, deliveries } = await this.aggregateEach(workflowId, subjectIds);
      report.routedOut += routedOut;
      report.deliveries.push(...deliveries);
      report.workflow = workflow ?? report.workflow;
      for (const [subjectId, outcome] of outcomes) {
        if (outcome === 'deferred') continue;
        done += 1;
        after = subjectId;
        if (outcome instanceof Error) {
          this.logger.error(`could not aggregate ${subjectId} in ${workflowId}: ${outcome.message}`);
          report.failed.push(subjectId);
        } else {
          report.aggregated += 1;
          if (outcome === 'retired') report.retired += 1;
        }
      }
      limit = nextBatchSize(limit, subjectIds.length, done, OUTBOX_BATCH);
    }
  }

  /**
   * Moves the retired fronts of the workflow's linked sets past the subjects retired since, by its rule or by hand (the
   * API asks for an aggregation then too), so that `sequential` order does not walk them again at every take: after
   * each drain, and after each batch of a re-aggregation that retired subjects (`ReaggregationService`). Only
   * past retired subjects, in a statement that serialises with every lowering (migration `SequenceFronts`).
   *
   * Only for a workflow served in `sequential` order, the only order whose takes walk from the fronts: its order is
   * that of the definition the drain read (`workflow`), or, when it read none, of the workflow's current version (a
   * cached definition, one small read). A workflow of another order keeps its fronts where they were: the database
   * still lowers them at once (an unretirement, a member placed before one), so everything before a front stays
   * retired, and one that a new version switches to `sequential` order walks from there, correctly, until they advance:
   * the API asks for an aggregation as that version is saved, and its drain, reading the new version, advances them.
   * Whether it advanced them.
   */
  async advanceSequenceFronts(workflowId: string, workflow?: WorkflowAsRead): Promise<boolean> {
    const definition = workflow?.definition ?? (await this.currentDefinition(workflowId));
    if (definition?.selection.order !== 'sequential') return false;
    await this.db.query('SELECT advance_sequence_fronts($1)', [workflowId]);
    return true;
  }

  /** The definition of the workflow's current version; none if the workflow is gone. */
  private async currentDefinition(workflowId: string): Promise<WorkflowDefinition | undefined> {
    const [workflow]: { version: number }[] = await this.db.query('SELECT version FROM workflows WHERE id = $1', [workflowId]);
    return workflow && this.definitions.of(this.db.manager, workflowId, workflow.version);
  }

  async aggregateSubject(workflowId: string, subjectId: string): Promise<AggregationOutcome> {
    return (await this.aggregateSubjects([{ workflowId, subjectId }])).outcomes.get(keyOf({ workflowId, subjectId }))!;
  }

  /**
   * The outcome per `workflowId:subjectId`, in three steps, so that no submit waits while consensus is computed (a
   * subject's long transcriptions once held its row for 14 s, and every submit to it, and those batched with them,
   * waited as long: round 13a F10):
   *
   * 1. Read the subjects, their classifications and skills in one snapshot, locking nothing.
   * 2. Compute each subject's consensus and retirement, within its work budget (`WorkBudget`), giving the event loop a
   *    turn between subjects: the job's lock is renewed and other jobs' queries run meanwhile. A turn between subjects
   *    rather than a worker thread: the budget bounds each subject's computation (under a second at the most answers
   *    a count rule retires with by default, when they are long and dissimilar), and a thread would copy every
   *    subject's classifications across and load the consensus package again for it.
   * 3. Lock the rows in one order: the hot rows in key order, as submits do, then their classifications (`flagLate`),
   *    as a take-down and a correction do (routing's locks on other workflows' rows and on subjects, after these, can
   *    still meet a take-down or a correction in the other order: the batch then rolls back and is tried again). Write the subjects whose hot row is as it was read (`stamp`); a subject submitted to (or retired, unretired…) meanwhile is read and computed again while
   *    locked, the only one whose submits wait for its computation (bounded by its budget). What is written is thus
   *    exactly what the subject's rows held while it was locked, as when the lock was held throughout.
   *
   * Once the batch has computed for `BATCH_BUDGET_MS`, the subjects it has not reached are `deferred`: they stay in the
   * outbox (the first subject is always computed, so a batch always moves on).
   */
  async aggregateSubjects(subjects: readonly SubjectKey[]): Promise<Aggregated> {
    const keys = [...new Map(subjects.map((key) => [keyOf(key), key])).values()];
    const outcomes = new Map<string, AggregationOutcome>(keys.map((key) => [keyOf(key), 'missing']));
    const read = await this.db.transaction('REPEATABLE READ', (manager) => this.readSubjects(manager, keys));
    const recomputed: Recomputed[] = [];
    const started = performance.now();
    for (const status of read.statuses) {
      if (recomputed.length && performance.now() - started > BATCH_BUDGET_MS) {
        outcomes.set(keyOf({ workflowId: status.workflow_id, subjectId: status.subject_id }), 'deferred');
        continue;
      }
      if (recomputed.length) await nextTurn();
      recomputed.push(this.recompute(status, read));
    }
    return this.db.transaction(async (manager) => {
      const locked: { workflow_id: string; subject_id: string; stamp: string; version: number }[] = await manager.query(
        `SELECT st.workflow_id, st.subject_id, st.xmin::text AS stamp, w.version
         FROM unnest($1::uuid[], $2::uuid[]) AS k(workflow_id, subject_id)
         JOIN subject_workflow_status st ON st.workflow_id = k.workflow_id AND st.subject_id = k.subject_id
         JOIN workflows w ON w.id = st.workflow_id
         ORDER BY st.workflow_id, st.subject_id FOR UPDATE OF st`,
        [keys.map((key) => key.workflowId), keys.map((key) => key.subjectId)],
      );
      const now = new Map(locked.map((row) => [keyOf({ workflowId: row.workflow_id, subjectId: row.subject_id }), row]));
      const before = new Map(read.statuses.map((row) => [keyOf({ workflowId: row.workflow_id, subjectId: row.subject_id }), row]));
      const computed = new Map(recomputed.map((subject) => [keyOf(subject.key), subject]));
      const asRead: Recomputed[] = [];
      const changed: SubjectKey[] = [];
      for (const key of keys) {
        const [then, after, subject] = [before.get(keyOf(key)), now.get(keyOf(key)), computed.get(keyOf(key))];
        if (!after) outcomes.set(keyOf(key), 'missing');
        else if (outcomes.get(keyOf(key)) === 'deferred') continue;
        else if (subject && then?.stamp === after.stamp && then.version === after.version) asRead.push(subject);
        else changed.push(key);
      }
      // Changed meanwhile (submitted to, retired by hand…): read and computed again now that their rows are locked, as
      // every subject once was, each within its budget; so a subject submitted to without pause is never left behind.
      const again = changed.length ? await this.readSubjects(manager, changed) : undefined;
      const written = [...asRead, ...(again?.statuses.map((status) => this.recompute(status, again)) ?? [])];
      for (const { key, retirement } of written) outcomes.set(keyOf(key), retirement?.decision.retire ? 'retired' : 'aggregated');
      // Out of the outbox: the subjects written, and those gone from the workflow (read or not).
      await this.leaveOutbox(manager, keys.filter((key) => outcomes.get(keyOf(key)) !== 'deferred'));
      const saved = await this.saveConsensus(manager, written);
      const routedOut = await this.routeByEffects(manager, written, saved);
      await this.saveStatuses(manager, written, saved);
      await this.flagLate(manager, written.flatMap((subject) => subject.late));
      const deliveries = await this.keepRetirementEvents(manager, written);
      return { outcomes, routedOut, deliveries, workflows: new Map([...workflowsAsRead(read), ...(again ? workflowsAsRead(again) : [])]) };
    });
  }

  /** The subjects' hot rows (with their `stamp`), the definitions of their versions, their classifications and skills. */
  private async readSubjects(manager: EntityManager, keys: readonly SubjectKey[]): Promise<SubjectsRead> {
    const statuses: StatusRow[] = await manager.query(
      `SELECT st.workflow_id, st.subject_id, st.xmin::text AS stamp, w.version, st.retired_at, st.retirement_reason, st.judged_count, ${isUnlinked('st')} AS unlinked,
              w.status = 'finished' AS finished, w.completed_at IS NOT NULL AS completion_recorded,
              CASE WHEN st.retired_at IS NOT NULL THEN
                (SELECT max(c.workflow_version) FROM consensus c WHERE c.workflow_id = st.workflow_id AND c.subject_id = st.subject_id) END AS consensus_version
       FROM unnest($1::uuid[], $2::uuid[]) AS k(workflow_id, subject_id)
       JOIN subject_workflow_status st ON st.workflow_id = k.workflow_id AND st.subject_id = k.subject_id
       JOIN workflows w ON w.id = st.workflow_id
       ORDER BY st.workflow_id, st.subject_id`,
      [keys.map((key) => key.workflowId), keys.map((key) => key.subjectId)],
    );
    const definitions = new Map<string, WorkflowDefinition>();
    for (const status of new Map(statuses.map((row) => [row.workflow_id, row])).values()) {
      definitions.set(status.workflow_id, await this.definitions.of(manager, status.workflow_id, status.version));
    }
    if (!statuses.length) return { statuses, definitions, classifications: new Map(), skills: new Map(), locations: new Map() };
    const classifications = await this.classificationsOf(manager, statuses, definitions);
    const locations = await this.locationsOf(manager, statuses.filter((status) => correctsSubjectText(definitions.get(status.workflow_id)!)));
    return { statuses, definitions, classifications, skills: await this.skillsOf(manager, statuses, definitions, classifications), locations };
  }

  /** The locations of these subjects (read only for workflows whose consensus needs them: long texts, most of them). */
  private async locationsOf(manager: EntityManager, statuses: readonly StatusRow[]): Promise<Map<string, SubjectLocation[]>> {
    if (!statuses.length) return new Map();
    const rows: { id: string; locations: SubjectLocation[] }[] = await manager.query('SELECT id, locations FROM subjects WHERE id = ANY($1::uuid[])', [[...new Set(statuses.map((status) => status.subject_id))]]);
    return new Map(rows.map((row) => [row.id, row.locations]));
  }

  /** One subject's consensus and retirement, from what was read of it: synchronous, bounded by its `WorkBudget`. */
  private recompute(status: StatusRow, { definitions, classifications, skills, locations }: SubjectsRead): Recomputed {
    const key = { workflowId: status.workflow_id, subjectId: status.subject_id };
    const definition = definitions.get(key.workflowId)!;
    const stored = classifications.get(keyOf(key)) ?? [];
    const records = stored.filter((record) => !record.madeInDraft && !record.byExcludedVolunteer);
    // One work budget for the subject's replay and its consensus: what volunteers typed bounds neither (see WorkBudget).
    const options = { skills: skills.get(key.workflowId) ?? {}, reduced: new Map<string, TaskConsensus>(), work: new WorkBudget(records.length), locations: locations.get(key.subjectId) };
    // The consensus is the answer the subject retired with: answers given while it was retired, or stored after the
    // one that met the rule before this retirement committed, stay in the raw download only (flagged so), as do the
    // tries made while the workflow was a draft and the answers of volunteers excluded from the project; and a task a new version cannot read all the answers of keeps the
    // consensus it had.
    const retirement = status.retired_at ? undefined : findRetirement(definition, records, options, status.judged_count);
    const late = afterTheTrigger(records, retirement);
    const lateIds = new Set(late.map((record) => record.id));
    const counted = records.filter((record) => !record.givenWhileRetired && !lateIds.has(record.id));
    const kept = status.retired_at ? tasksKeptAsRetired(counted) : new Set<string>();
    const subject = reduceSubject(definition, counted, options);
    const consensus = subject
      .filter((result) => !kept.has(result.task))
      .map((result) => ({ ...result, needsChecking: needsChecking(result, subject), comparableAnswer: storedComparableConsensus(definition, result.task, result.answer) }));
    const retiresNow = retirement?.decision.retire ?? false;
    const routing = retiresNow || retiredByItsRule(status) ? { definition, kept: [...kept], owed: retiresNow || owedNewEffects(status) } : undefined;
    const judged = status.retired_at || retiresNow ? undefined : records.filter((record) => record.countsTowardRetirement).length;
    return { key, version: status.version, count: stored.length, judged, consensus, retirement, late: [...lateIds], routing };
  }

  private async leaveOutbox(manager: EntityManager, keys: readonly SubjectKey[]): Promise<void> {
    await manager.query(
      `DELETE FROM aggregation_outbox o USING unnest($1::uuid[], $2::uuid[]) AS k(workflow_id, subject_id)
       WHERE o.workflow_id = k.workflow_id AND o.subject_id = k.subject_id`,
      [keys.map((key) => key.workflowId), keys.map((key) => key.subjectId)],
    );
  }

  /** Up to `limit` of the workflow's subjects in the outbox after `after`, leaving out those that failed in this drain. */
  private async waitingIn(workflowId: string, skipped: string[], limit: number, after: string | null): Promise<string[]> {
    const rows: { subject_id: string }[] = await this.db.query(
      `SELECT subject_id FROM aggregation_outbox WHERE workflow_id = $1 AND subject_id <> ALL($2::uuid[]) AND ($4::uuid IS NULL OR subject_id > $4::uuid)
       ORDER BY subject_id LIMIT $3`,
      [workflowId, skipped, limit, after],
    );
    return rows.map((row) => row.subject_id);
  }

  /**
   * Each subject's outcome, or the error that kept it from being aggregated: all together, or one by one if that fails;
   * and how many left a set by routing.
   */
  private async aggregateEach(
    workflowId: string,
    subjectIds: string[],
  ): Promise<Batch> {
    const keys = subjectIds.map((subjectId) => ({ workflowId, subjectId }));
    try {
      const { outcomes, routedOut, workflows, deliveries } = await this.aggregateSubjects(keys);
      return { outcomes: new Map(subjectIds.map((subjectId) => [subjectId, outcomes.get(keyOf({ workflowId, subjectId }))!])), routedOut, workflow: workflows.get(workflowId), deliveries };
    } catch (error) {
      if (subjectIds.length === 1) return { outcomes: new Map([[subjectIds[0]!, error as Error]]), routedOut: 0, deliveries: [] };
      this.logger.warn(`a batch of ${subjectIds.length} subjects failed (${(error as Error).message}); aggregating them one by one`);
      const each: Batch = { outcomes: new Map(), routedOut: 0, deliveries: [] };
      for (const subjectId of subjectIds) {
        const aggregated = await this.aggregateSubjects([{ workflowId, subjectId }]).catch((failure: Error) => failure);
        if (aggregated instanceof Error) {
          each.outcomes.set(subjectId, aggregated);
          continue;
        }
        each.outcomes.set(subjectId, aggregated.outcomes.get(keyOf({ workflowId, subjectId }))!);
        each.routedOut += aggregated.routedOut;
        each.deliveries.push(...aggregated.deliveries);
        each.workflow = aggregated.workflows.get(workflowId) ?? each.workflow;
      }
      return each;
    }
  }

  /**
   * Each subject's classifications, in the order they came. One made under another version than the workflow's
   * current one keeps only what the current version can read of its answers (`WorkflowDefinitions.readable`).
   */
  private async classificationsOf(manager: EntityManager, statuses: StatusRow[], definitions: Map<string, WorkflowDefinition>): Promise<Map<string, StoredClassification[]>> {
    const currentVersion = new Map(statuses.map((row) => [row.workflow_id, row.version]));
    const rows: {
      workflow_id: string;
      subject_id: string;
      id: string;
      user_id: string;
      workflow_version: number;
      annotations: Annotation[];
      gold_standard: boolean;
      after_retirement: boolean;
      made_in_draft: boolean;
      by_excluded_volunteer: boolean;
    }[] = await manager.query(
        `SELECT c.workflow_id, c.subject_id, c.id, c.user_id, c.workflow_version, c.annotations, c.gold_standard, c.after_retirement, c.made_in_draft,
                ${byExcludedVolunteerSql('c', 'w.project_id')} AS by_excluded_volunteer
         FROM unnest($1::uuid[], $2::uuid[]) AS k(workflow_id, subject_id)
         JOIN workflows w ON w.id = k.workflow_id
         JOIN classifications c ON c.workflow_id = k.workflow_id AND c.subject_id = k.subject_id
         ORDER BY c.created_at, c.id`,
        [statuses.map((row) => row.workflow_id), statuses.map((row) => row.subject_id)],
      );
    const bySubject = new Map<string, StoredClassification[]>();
    for (const row of rows) {
      const key = keyOf({ workflowId: row.workflow_id, subjectId: row.subject_id });
      if (!bySubject.has(key)) bySubject.set(key, []);
      const definition = definitions.get(row.workflow_id)!;
      const current = { version: currentVersion.get(row.workflow_id)!, definition };
      const annotations = await this.definitions.readable(manager, row.workflow_id, current, row.workflow_version, row.annotations);
      bySubject.get(key)!.push({
        id: row.id,
        volunteer: row.user_id,
        annotations,
        countsTowardRetirement: !(row.gold_standard || row.after_retirement),
        givenWhileRetired: row.after_retirement,
        madeInDraft: row.made_in_draft,
        byExcludedVolunteer: row.by_excluded_volunteer,
        unreadable: row.annotations.filter((given) => definition.tasks[given.task] && !annotations.includes(given)).map((given) => given.task),
      });
    }
    return bySubject;
  }

  /** Learned skills of the batch's volunteers, per workflow, read only for workflows that weigh volunteers by skill. */
  private async skillsOf(
    manager: EntityManager,
    statuses: StatusRow[],
    definitions: Map<string, WorkflowDefinition>,
    classifications: Map<string, ClassificationRecord[]>,
  ): Promise<Map<string, Record<string, VolunteerSkills>>> {
    const byWorkflow = new Map<string, ClassificationRecord[]>();
    for (const status of statuses) {
      if (!skillWeightedTasks(definitions.get(status.workflow_id)!).length) continue;
      const records = byWorkflow.get(status.workflow_id) ?? [];
      records.push(...(classifications.get(keyOf({ workflowId: status.workflow_id, subjectId: status.subject_id })) ?? []));
      byWorkflow.set(status.workflow_id, records);
    }
    const skills = new Map<string, Record<string, VolunteerSkills>>();
    for (const [workflowId, records] of byWorkflow) {
      skills.set(workflowId, await this.skills.of(manager, workflowId, skillWeightedTasks(definitions.get(workflowId)!), records));
    }
    return skills;
  }

  /** The consensus stored for some of a subject's tasks (those a retired subject keeps), as effects read it. */
  private async storedConsensus(manager: EntityManager, key: SubjectKey, tasks: string[]): Promise<TaskConsensus[]> {
    return manager.query(
      'SELECT task, answer, agreement, votes, algorithm, parameters, result FROM consensus WHERE workflow_id = $1 AND subject_id = $2 AND task = ANY($3::text[])',
      [key.workflowId, key.subjectId, tasks],
    );
  }

  /**
   * When the answer is known, the subject moves into the sets of the effects its consensus meets, which feed the next
   * workflows, and out of those its workflow's effects put it in that it no longer meets (`routeSubject`): a subject
   * its rule retires now, one owed a newer version's effects, and one retired before whose consensus `changed`. One
   * unretired stays where its last retirement put it until it retires again. Safe to run again. Returns how many
   * subjects left a set.
   */
  private async routeByEffects(manager: EntityManager, recomputed: Recomputed[], changed: ReadonlySet<string>): Promise<number> {
    let routedOut = 0;
    for (const { key, version, consensus, routing } of recomputed) {
      if (!routing?.definition.effects.length || !(routing.owed || changed.has(keyOf(key)))) continue;
      const kept = routing.kept.length ? await this.storedConsensus(manager, key, routing.kept) : [];
      const into = effectsMet(routing.definition, version, [...consensus, ...kept]);
      const named = [...new Set(routing.definition.effects.map((effect) => effect.addToSubjectSet))];
      const { left } = await routeSubject(manager, key.workflowId, key.subjectId, into, named);
      if (left.length) routedOut += 1;
    }
    return routedOut;
  }

  /**
   * Writes each subject's consensus where it differs from the stored one (a row as it was is left alone, `computed_at`
   * included), and returns the keys (`keyOf`) of the subjects whose consensus changed.
   */
  private async saveConsensus(manager: EntityManager, recomputed: Recomputed[]): Promise<Set<string>> {
    const rows = recomputed.flatMap(({ key, version, consensus }) =>
      consensus.map((result) => ({
        workflow_id: key.workflowId,
        subject_id: key.subjectId,
        workflow_version: version,
        ...result,
        comparable_answer: result.comparableAnswer,
        against_plurality: pluralityStanding(result)?.against ?? false,
        needs_checking: result.needsChecking,
      })),
    );
    if (!rows.length) return new Set();
    const written: { workflow_id: string; subject_id: string }[] = await manager.query(
      `INSERT INTO consensus AS c (workflow_id, subject_id, task, workflow_version, answer, comparable_answer, agreement, votes, algorithm, parameters, result, against_plurality, needs_checking, computed_at)
       SELECT r.workflow_id, r.subject_id, r.task, r.workflow_version, r.answer, r.comparable_answer, r.agreement, r.votes, r.algorithm, r.parameters, r.result, r.against_plurality, r.needs_checking, clock_timestamp()
       FROM jsonb_to_recordset($1::jsonb) AS r(workflow_id uuid, subject_id uuid, task text, workflow_version int, answer text, comparable_answer text, agreement double precision, votes int, algorithm text, parameters jsonb, result jsonb, against_plurality boolean, needs_checking boolean)
       ON CONFLICT (workflow_id, subject_id, task) DO UPDATE SET workflow_version = EXCLUDED.workflow_version, answer = EXCLUDED.answer, comparable_answer = EXCLUDED.comparable_answer, agreement = EXCLUDED.agreement,
         votes = EXCLUDED.votes, algorithm = EXCLUDED.algorithm, parameters = EXCLUDED.parameters, result = EXCLUDED.result, against_plurality = EXCLUDED.against_plurality, needs_checking = EXCLUDED.needs_checking,
         computed_at = EXCLUDED.computed_at
       WHERE (c.workflow_version, c.answer, c.comparable_answer, c.agreement, c.votes, c.algorithm, c.parameters, c.result, c.against_plurality, c.needs_checking)
         IS DISTINCT FROM (EXCLUDED.workflow_version, EXCLUDED.answer, EXCLUDED.comparable_answer, EXCLUDED.agreement, EXCLUDED.votes, EXCLUDED.algorithm, EXCLUDED.parameters, EXCLUDED.result, EXCLUDED.against_plurality, EXCLUDED.needs_checking)
       RETURNING c.workflow_id, c.subject_id`,
      [JSON.stringify(rows)],
    );
    return new Set(written.map((row) => keyOf({ workflowId: row.workflow_id, subjectId: row.subject_id })));
  }

  /** Keeps the `subject.retired` webhook deliveries of the subjects retiring now, in the transaction that retires them: their ids. */
  private async keepRetirementEvents(manager: EntityManager, recomputed: Recomputed[]): Promise<string[]> {
    const retiring = new Map<string, string[]>();
    for (const { key, retirement } of recomputed) {
      if (retirement?.decision.retire) retiring.set(key.workflowId, [...(retiring.get(key.workflowId) ?? []), key.subjectId]);
    }
    const kept: string[] = [];
    for (const [workflowId, subjectIds] of retiring) kept.push(...(await recordSubjectEvents(manager, 'subject.retired', workflowId, subjectIds)));
    return kept;
  }

  /** Marks classifications as given while retired, and takes them out of their subjects' counted classifications. */
  private async flagLate(manager: EntityManager, classificationIds: string[]): Promise<void> {
    if (!classificationIds.length) return;
    await manager.query(
      `WITH late AS (
         UPDATE classifications c SET after_retirement = true, updated_at = now() WHERE c.id = ANY($1::uuid[]) AND NOT c.after_retirement
         RETURNING c.workflow_id, c.subject_id, c.gold_standard
       )
       UPDATE subject_workflow_status st SET counted_count = st.counted_count - l.n
       FROM (SELECT workflow_id, subject_id, count(*)::int AS n FROM late WHERE NOT gold_standard GROUP BY workflow_id, subject_id) l
       WHERE st.workflow_id = l.workflow_id AND st.subject_id = l.subject_id`,
      [classificationIds],
    );
  }

  /**
   * The aggregated count of every subject, and the retirement (reason, detail, trigger, the version whose rule it met)
   * of those that retire now.
   * `updated_at` (what the consensus download's `since` compares) moves only for a subject that retires now or whose
   * consensus `changed`: recomputing a subject to the same results (a re-aggregation, skills that moved elsewhere)
   * does not put it in every incremental download.
   */
  private async saveStatuses(manager: EntityManager, recomputed: Recomputed[], changed: ReadonlySet<string>): Promise<void> {
    const rows = recomputed.map(({ key, version, count, judged, retirement }) => ({
      changed: changed.has(keyOf(key)),
      workflow_id: key.workflowId,
      subject_id: key.subjectId,
      aggregated_count: count,
      judged_count: judged ?? null,
      retire: retirement?.decision.retire ?? false,
      reason: retirement?.decision.retire ? retirement.decision.reason : null,
      detail: retirement?.decision.retire ? retirement.decision.detail : null,
      triggered_by: retirement?.decision.retire ? (retirement.triggeredBy ?? null) : null,
      version,
    }));
    await manager.query(
      `UPDATE subject_workflow_status st SET aggregated_count = r.aggregated_count, judged_count = coalesce(r.judged_count, st.judged_count),
         updated_at = CASE WHEN r.retire OR r.changed THEN now() ELSE st.updated_at END,
         retired_at = CASE WHEN r.retire THEN now() ELSE st.retired_at END,
         retirement_reason = CASE WHEN r.retire THEN r.reason ELSE st.retirement_reason END,
         retirement_detail = CASE WHEN r.retire THEN r.detail ELSE st.retirement_detail END,
         retired_by_classification_id = CASE WHEN r.retire THEN r.triggered_by ELSE st.retired_by_classification_id END,
         retired_under_version = CASE WHEN r.retire THEN r.version ELSE st.retired_under_version END
       FROM jsonb_to_recordset($1::jsonb) AS r(workflow_id uuid, subject_id uuid, changed boolean, aggregated_count int, judged_count int, retire boolean, reason text, detail jsonb, triggered_by uuid, version int)
       WHERE st.workflow_id = r.workflow_id AND st.subject_id = r.subject_id`,
      [JSON.stringify(rows)],
    );
  }
}
