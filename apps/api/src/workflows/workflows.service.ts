import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ReaggregationRun, WorkflowCopy, WorkflowSaved, WorkflowStats, WorkflowVersionList, WorkflowVersionView, WorkflowView } from '@chorus/client';
import { type ProjectRole, Workflow, WorkflowSubjectSet, WorkflowVersion, completeWorkflows, effectAddsTo, feedingOf, isUnlinked, mayRoute, leaveWorkflow, requestReaggregation } from '@chorus/db';
import { changesConsensus, versionChangeWarnings } from '@chorus/consensus';
import { type FieldError, TaskColumns, type WorkflowDefinition, columnClash, definitionWarnings } from '@chorus/tasks';
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource, EntityManager } from 'typeorm';
import { END_ALL_HOLDS } from '../assignment/queue-sql';
import type { AuthUser } from '../auth/auth.decorators';
import { RememberedReads } from '../auth/remembered-reads';
import { ProblemException, conflict, notFound, validationFailed } from '../common/problem';
import { researchersTransaction, retryOnDeadlock } from '../common/sql';
import { unreadableKnownAnswers } from '../classifications/gold-feedback';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { JobProducer } from '../jobs/job-producer';
import { routeAccess } from '../projects/access-first';
import { ProjectAccess } from '../projects/project-access';
import { type WorkflowCopyBody, type WorkflowInput, parseWorkflowBody } from './dto/workflow.dto';
import { copyableDefinition } from './workflow-copy';
import { deleteUnclassifiedWorkflows } from './workflow-deletion';
import { WorkflowSubjects } from './workflow-subjects';
import { workflowSummary } from './workflow-progress';
import { WorkflowVersions } from './workflow-versions';
import { WORKFLOW_STATS } from './workflow-stats-sql';
import { needsTextCheck, sameSetIds, subjectTextWarnings } from './subject-text';

/** A subject set a workflow definition names, with the pointer of the field that names it. */
interface NamedSet {
  setId: string;
  pointer: string;
}

/** The subject sets the definition's selection draws from: the training set and the weighted sets. */
function selectionSets(definition: WorkflowDefinition): NamedSet[] {
  const { training, setWeights } = definition.selection;
  return [
    ...(training ? [{ setId: training.subjectSetId, pointer: '/selection/training/subjectSetId' }] : []),
    ...Object.keys(setWeights ?? {}).map((setId) => ({ setId, pointer: `/selection/setWeights/${setId}` })),
  ];
}

/** Fails with a 422 naming each field whose set is not among `allowed`. */
function failUnlessAll(named: NamedSet[], allowed: Set<string>, message: string): void {
  const errors = named.filter(({ setId }) => !allowed.has(setId)).map(({ pointer }) => ({ pointer, message }));
  if (errors.length) throw validationFailed(errors);
}

/** A save whose If-Match names no current ETag. A weak one (`W/"…"`, as a compressing proxy may make it) never matches. */
function versionConflict(current: string, ifMatch: string[]): ProblemException {
  const why = ifMatch.includes(`W/${current}`)
    ? `a weak ETag (W/…) never matches If-Match, which compares strongly; a proxy that compresses answers may have weakened it. Send the ETag without W/`
    : `it has changed since you read it (someone saved another version or other subject sets). Read it again, make your change to what it is now, and send that`;
  return new ProblemException(412, `The workflow's ETag is ${current} now, not ${ifMatch.join(', ')}: ${why}, with If-Match: ${current}.`, undefined, 'version-conflict');
}

@Injectable()
export class WorkflowsService {
  private readonly logger = new Logger(WorkflowsService.name);

  /**
   * The figures the public reads (`stats`), per workflow: one workflow a statement (a large one's counts a million
   * index entries of each kind), a few at once, so that no workflow's read waits for or fails with another's.
   */
  private readonly publicStats = new RememberedReads<WorkflowStats>(
    (ids) => Promise.all(ids.map((id) => this.readStats(id))),
    (_known, heard) => heard,
    { batching: { maxBatch: 1, maxBatchesAtOnce: 4 } },
  );

  /** Told the id of a workflow whose links to subject sets this process saved, once they are committed. */
  private readonly linksSavedListeners: ((workflowId: string) => void)[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly workflowSubjects: WorkflowSubjects,
    private readonly versions: WorkflowVersions,
    private readonly jobs: JobProducer,
    private readonly idempotentRequests: IdempotentRequests,
  ) {}

  /** Calls `listener` with the id of each workflow whose links this process saves, after they are committed. */
  onLinksSaved(listener: (workflowId: string) => void): void {
    this.linksSavedListeners.push(listener);
  }

  async create(projectId: string, input: WorkflowInput, user: AuthUser): Promise<WorkflowSaved & { etag: string }> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    return researchersTransaction(this.db, (manager) => this.createIn(manager, { projectId, input, user, more: {} }));
  }

  /**
   * A new draft workflow from a version of workflow `id` (its current one by default), in its project or another one
   * the caller is a researcher of: the definition only, named as asked (the version's name by default: a name is data,
   * in no language of the API's). In the same project it serves the source's subject sets unless asked not to; in
   * another it serves none, sets belonging to projects. What the definition names of sets the copy cannot use is left
   * out and said (`copyableDefinition`). Nothing volunteers gave the source (classifications, consensus, retirements)
   * is copied: the copy's subjects start afresh, gold-standard ones with the known answers their subjects carry. Serving
   * the source's sets, its subjects keep their priorities there (`copyPriorities`).
   */
  async copy(id: string, body: WorkflowCopyBody, user: AuthUser): Promise<WorkflowCopy & { etag: string }> {
    const source = await this.requireResearcher(id, user);
    const projectId = body.projectId ?? source.projectId;
    const sameProject = projectId === source.projectId;
    if (!sameProject && body.linkSubjectSets) {
      throw validationFailed([{ pointer: '/linkSubjectSets', message: 'cannot be true for a copy in another project, whose subject sets are its own; leave it out' }]);
    }
    const version = body.version ?? source.version;
    const definition = await this.versions.definition(id, version);
    if (!definition) throw notFound(`Version ${version} of workflow ${id}`, '/version');
    await this.access.requireResearcher(projectId, user, '/projectId');
    return researchersTransaction(this.db, async (manager) => {
      const subjectSetIds = sameProject && body.linkSubjectSets !== false ? await this.linkedSetIds(manager, id) : [];
      const projectSets: { id: string }[] = await manager.query('SELECT id FROM subject_sets WHERE project_id = $1', [projectId]);
      const copyable = copyableDefinition(definition, { served: new Set(subjectSetIds), projectSets: new Set(projectSets.map((set) => set.id)) });
      const input = { definition: { ...copyable.definition, name: body.name ?? definition.name }, subjectSetIds };
      const copy = await this.createIn(manager, { projectId, input, user, more: { projectId, subjectSetIds, dropped: copyable.dropped } });
      if (subjectSetIds.length) await this.workflowSubjects.copyPriorities(manager, id, copy.id);
      return copy;
    });
  }

  /** A new workflow, version 1 of `input`, in the caller's transaction; `more` goes with the answer (and a retry's). */
  private async createIn<More extends object>(manager: EntityManager, { projectId, input, user, more }: { projectId: string; input: WorkflowInput; user: AuthUser; more: More }): Promise<WorkflowSaved & More & { etag: string }> {
    await this.checkReferencedSets(manager, projectId, input.definition);
    const workflow = await manager.save(manager.create(Workflow, { projectId, name: input.definition.name, version: 1 }));
    await manager.save(manager.create(WorkflowVersion, { workflowId: workflow.id, version: 1, definition: input.definition, createdBy: user.id }));
    await this.link(manager, workflow, input.subjectSetIds ?? []);
    await this.requireLinkedSets(manager, workflow.id, input.definition);
    await this.requireTakenKnownAnswers(manager, workflow.id, input.definition);
    const warnings = [
      ...(await this.selectionWarnings(manager, workflow.id, input.definition)),
      ...(await unservedEffectWarnings(manager, input.definition)),
      ...(await subjectTextWarnings(manager, workflow.id, input.definition)),
    ];
    const etag = workflowTag(1, await this.linkedSetIds(manager, workflow.id));
    const created = withWarnings({ id: workflow.id, version: 1, ...more }, [...definitionWarnings(input.definition), ...warnings]);
    await this.idempotentRequests.keepAnswerIn(manager, { body: created, etag });
    return { ...created, etag };
  }

  /**
   * A changed definition becomes a new immutable version; an unchanged one keeps its version. A new version of a
   * workflow with classifications starts its re-aggregation when its rules or tasks changed, not only their words or the
   * limits new answers are held to. `ifMatch` is the workflow's ETag as the edit's author read it: another one now
   * means someone saved since. The fields `body` leaves out that have a default on creation keep their current values.
   */
  async update(id: string, body: unknown, user: AuthUser, ifMatch?: string[]): Promise<WorkflowSaved & { etag: string }> {
    await this.requireResearcher(id, user);
    const { input, version, owed, etag, before, linkWarnings, deliveries } = await researchersTransaction(this.db, async (manager) => {
      const locked = await manager.findOneOrFail(Workflow, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (ifMatch !== undefined && !ifMatch.includes('*')) {
        const tag = workflowTag(locked.version, await this.linkedSetIds(manager, id));
        if (!ifMatch.includes(tag)) throw versionConflict(tag, ifMatch);
      }
      const current = (await this.versions.definition(id, locked.version))!;
      // Read against the version it changes, under the lock: a field left out keeps that version's value.
      const input = parseWorkflowBody(body, current);
      await this.checkReferencedSets(manager, locked.projectId, input.definition);
      await this.requireKeysUnlikeEarlier(manager, id, input.definition);
      const changed = !isDeepStrictEqual(current, input.definition);
      if (changed) {
        locked.version += 1;
        locked.name = input.definition.name;
        await manager.save(manager.create(WorkflowVersion, { workflowId: id, version: locked.version, definition: input.definition, createdBy: user.id }));
        await manager.save(locked);
      }
      const linkedBefore = await this.linkedSetIds(manager, id);
      const { warnings: unlinked, deliveries } = input.subjectSetIds ? await this.link(manager, locked, input.subjectSetIds) : { warnings: [], deliveries: [] };
      const linked = await this.linkedSetIds(manager, id);
      await this.requireLinkedSets(manager, id, input.definition);
      await this.requireTakenKnownAnswers(manager, id, input.definition);
      // A new version in words or limits for new answers only (a question, a maxLength) is served at once, and no subject
      // needs computing again (`changesConsensus`).
      const owed = changed && changesConsensus(current, input.definition) && (await this.isClassified(manager, id));
      if (owed) await requestReaggregation(manager, id, user.id);
      const textWarnings = needsTextCheck(current, input.definition, linkedBefore, linked) ? await subjectTextWarnings(manager, id, input.definition) : [];
      // Said on creation, and again when what it says may have changed: not at each save of a reworded question.
      const routingChanged = !isDeepStrictEqual(current.effects, input.definition.effects) || !sameSetIds(linkedBefore, linked);
      const routingWarnings = routingChanged
        ? [...(await unservedEffectWarnings(manager, input.definition)), ...(await unservedRoutingWarnings(manager, id, linkedBefore.filter((setId) => !linked.includes(setId))))]
        : [];
      const linkWarnings = [...unlinked, ...(await this.selectionWarnings(manager, id, input.definition)), ...routingWarnings, ...textWarnings];
      return { input, version: locked.version, owed, before: current, etag: workflowTag(locked.version, linked), linkWarnings, deliveries };
    });
    await this.jobs.deliverWebhooks(deliveries);
    if (input.subjectSetIds) for (const listener of this.linksSavedListeners) listener(id);
    // The worker moves the retired fronts of sequential workflows only (`advanceSequenceFronts`): switched to that
    // order, a workflow's fronts move past what it retired meanwhile at the drain this asks for, not at its next answer.
    if (input.definition.selection.order === 'sequential' && before.selection.order !== 'sequential') await this.jobs.aggregate(id);
    const warnings = [...definitionWarnings(input.definition), ...linkWarnings];
    if (!owed) return withWarnings({ id, version, etag }, warnings);
    const reaggregation = await this.reaggregate(id, user);
    const setNames = await this.versions.effectSetNames(before, input.definition);
    return withWarnings({ id, version, etag, ...(reaggregation ? { reaggregation } : {}) }, [...versionChangeWarnings(before, input.definition, setNames), ...warnings]);
  }

  /**
   * The downloads have columns for the tasks of every version: a key that differs from an earlier version's only in
   * case (`t0` after `T0`) would make two columns that spreadsheets and SQL take for one, and one that makes the same
   * column as an earlier version's (`A_known` after `A`) would overwrite it.
   */
  private async requireKeysUnlikeEarlier(manager: EntityManager, id: string, definition: WorkflowDefinition): Promise<void> {
    const rows: { key: string }[] = await manager.query('SELECT DISTINCT jsonb_object_keys(definition->\'tasks\') AS key FROM workflow_versions WHERE workflow_id = $1', [id]);
    const keys = new Set(rows.map(({ key }) => key));
    const earlier = new Map(rows.map(({ key }) => [key.toLowerCase(), key]));
    const earlierColumns = new TaskColumns(keys);
    const errors = Object.keys(definition.tasks).flatMap((key) => {
      // A key an earlier version has as it is stays usable, even where versions from before these checks clash.
      if (keys.has(key)) return [];
      const sameButCase = earlier.get(key.toLowerCase());
      if (sameButCase) return [{ pointer: `/tasks/${key}`, message: `differs from task "${sameButCase}" of an earlier version only in case: the downloads' columns would clash; call it "${sameButCase}" if it is that task, else give it another key` }];
      const clash = earlierColumns.clashWith(key);
      return clash ? [{ pointer: `/tasks/${key}`, message: `${columnClash(clash)} (task "${clash.other}" is an earlier version's)` }] : [];
    });
    if (errors.length) throw validationFailed(errors);
  }

  private async isClassified(manager: EntityManager, id: string): Promise<boolean> {
    const classified: unknown[] = await manager.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND classification_count > 0 LIMIT 1', [id]);
    return classified.length > 0;
  }

  /**
   * Starts re-aggregation of a classified workflow's new version, as asked for by whoever saved it; while Redis is
   * away, the worker's reconciler will.
   */
  private async reaggregate(id: string, user: AuthUser): Promise<ReaggregationRun | undefined> {
    try {
      return await this.jobs.reaggregate(id, 'all', user.id);
    } catch (error) {
      this.logger.warn(`could not start re-aggregation of workflow ${id}: ${(error as Error).message}`);
      return undefined;
    }
  }

  async setStatus(id: string, status: Workflow['status'], user: AuthUser): Promise<WorkflowView> {
    await this.requireResearcher(id, user);
    // Under the row lock a save takes, so that a save unlinking the last set cannot slip between the check and the
    // change; as long as that save takes (linking a large set), as researchers' work on whole sets may.
    await researchersTransaction(this.db, async (manager) => {
      const locked = await manager.findOne(Workflow, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) throw notFound(`Workflow ${id}`, '/params/id');
      if (status === 'active' && !(await manager.getRepository(WorkflowSubjectSet).existsBy({ workflowId: id }))) {
        throw new ProblemException(422, 'The workflow serves no subject set yet: link one (subjectSetIds, in PUT /workflows/:id), then activate it.', [{ pointer: '/params/id', message: 'names a workflow with no subject set linked: link one (subjectSetIds, in PUT /workflows/:id), then activate it' }], 'no-subject-set');
      }
      // The holds of a draft are its team's tries: kept, they would keep a small pilot set from volunteers once it opens.
      if (status === 'active' && locked.status === 'draft') await manager.query(END_ALL_HOLDS, [id, null]);
      await manager.getRepository(Workflow).update({ id }, { status });
    });
    // The worker looks at a finished workflow as at one whose last subject retired (a whole run, for skills); if Redis
    // is away, it looks at the workflow's next aggregation.
    if (status === 'finished') await this.jobs.aggregate(id);
    return this.get(id, user);
  }

  async get(id: string, user: AuthUser | undefined): Promise<WorkflowView> {
    const workflow = await this.readable(id, user);
    const [definition, subjectSetIds, complete] = await Promise.all([
      this.versions.definition(id, workflow.version),
      this.linkedSetIds(this.db.manager, id),
      completeWorkflows(this.db, [id]),
    ]);
    return { ...workflowSummary(workflow, complete), projectId: workflow.projectId, definition: definition!, subjectSetIds };
  }

  private async linkedSetIds(manager: EntityManager, id: string): Promise<string[]> {
    return (await manager.getRepository(WorkflowSubjectSet).find({ where: { workflowId: id }, order: { position: 'ASC' } })).map((link) => link.subjectSetId);
  }

  /**
   * The workflow, if the caller may read it and what volunteers gave it (tags, say): its project is public or they
   * are a member, and a draft (unpublished work) only for its project's members. To others it is not found, at
   * `pointer` (where the request names it).
   */
  async readable(id: string, user: AuthUser | undefined, pointer = '/params/id'): Promise<Workflow> {
    const workflow = await this.find(id, pointer);
    await this.access.readable(workflow.projectId, user, pointer, `Workflow ${workflow.id}`);
    if (workflow.status === 'draft' && !(await this.access.roleOf(workflow.projectId, user))) throw notFound(`Workflow ${id}`, pointer);
    return workflow;
  }

  /**
   * One version of the workflow's definition, as the classifications that name it were answered, for whoever may see
   * the workflow: to read exports, or to go on with a subject begun before a new version.
   */
  async version(id: string, version: number, user: AuthUser | undefined): Promise<WorkflowVersionView> {
    await this.readable(id, user);
    const found = await this.db.getRepository(WorkflowVersion).findOneBy({ workflowId: id, version });
    if (!found) throw notFound(`Version ${version} of workflow ${id}`, '/params/version');
    return { id, version, definition: found.definition as WorkflowDefinition, createdAt: found.createdAt.toISOString() };
  }

  /**
   * The workflow's versions for its team (researchers and moderators: who saved each is named), the newest first:
   * when each was saved and by whom, the classifications made under it and what it changed from the one before.
   */
  async versionList(id: string, user: AuthUser): Promise<WorkflowVersionList> {
    await this.requireModerator(id, user);
    return { versions: await this.versions.history(id) };
  }

  /** The workflow, if the caller is a researcher of its project. */
  async requireResearcher(id: string, user: AuthUser): Promise<Workflow> {
    const workflow = await this.find(id);
    await this.access.requireResearcher(workflow.projectId, user, '/params/id', `Workflow ${workflow.id}`);
    return workflow;
  }

  /** The workflow and the caller's role, if they moderate its project (a moderator, or a researcher). */
  async requireModerator(id: string, user: AuthUser): Promise<{ workflow: Workflow; role: ProjectRole }> {
    const workflow = await this.find(id);
    return { workflow, role: await this.access.requireModerator(workflow.projectId, user, '/params/id', `Workflow ${workflow.id}`) };
  }

  /** The workflow and the caller's role, if they check its project's consensus (a reviewer, or a researcher). */
  async requireReviewer(id: string, user: AuthUser): Promise<{ workflow: Workflow; role: ProjectRole }> {
    const workflow = await this.find(id);
    return { workflow, role: await this.access.requireReviewer(workflow.projectId, user, '/params/id', `Workflow ${workflow.id}`) };
  }

  /**
   * Deletes a workflow nobody has classified in (a mistaken draft, a copy made by error, a draft its team tried and
   * starts over) with its versions, links, holds and the team's tries: a draft, or a paused one (so that no volunteer
   * is at work in it). One with other classifications is never deleted: they are volunteers' work, kept; it can stay
   * paused instead.
   */
  async delete(id: string, user: AuthUser): Promise<void> {
    const workflow = await this.requireResearcher(id, user);
    if (workflow.status !== 'draft' && workflow.status !== 'paused') {
      throw conflict(`The workflow is ${workflow.status}: pause it first (POST /workflows/:id/pause), so that no volunteer is at work in it.`, 'workflow-not-paused');
    }
    await retryOnDeadlock(() =>
      researchersTransaction(this.db, async (manager) => {
        if (!(await deleteUnclassifiedWorkflows(manager, { workflowId: id }))) {
          throw conflict('The workflow has classifications, which are never deleted; leave it paused instead.', 'workflow-classified');
        }
      }),
    );
  }

  /**
   * The workflow's figures: as the database has them now for its project's members, of any role (the lab's progress
   * moves at once on a retirement; a reviewer's reads are few); for anyone else (the project page of every volunteer
   * asks, and the statement counts every subject and classification of the workflow) as this API process last read
   * them, for 30 seconds from when that read ended (`RememberedReads`), so 30 s plus the statement's time old at most:
   * concurrent reads share one statement, and `asOf` says when its figures were taken.
   */
  async stats(id: string, user: AuthUser | undefined): Promise<WorkflowStats> {
    const workflow = await this.readable(id, user);
    if (await this.access.roleOf(workflow.projectId, user)) return this.readStats(id);
    return (await this.publicStats.current(id))!;
  }

  /** The figures, and what may still come once nothing is left to classify (read only then). */
  private async readStats(id: string): Promise<WorkflowStats> {
    const [row] = await this.db.query(WORKFLOW_STATS, [id]);
    const nothingLeft = Number(row.retired) >= Number(row.subjects) - Number(row.gold_standard);
    const feeding = nothingLeft ? await feedingOf(this.db, id) : undefined;
    return {
      subjects: Number(row.subjects),
      retired: Number(row.retired),
      goldStandard: Number(row.gold_standard),
      held: Number(row.held),
      classifications: Number(row.classifications),
      volunteers: Number(row.volunteers),
      draftTries: Number(row.draft_tries),
      reaggregating: row.reaggregating,
      // To the microsecond, so that the holds ended as of it are exactly those counted in `held`.
      asOf: row.as_of,
      ...(feeding?.comingFrom.length ? feeding : {}),
    };
  }


  private async find(id: string, pointer = '/params/id'): Promise<Workflow> {
    const workflow = await this.db.getRepository(Workflow).findOneBy({ id });
    if (!workflow) throw notFound(`Workflow ${id}`, pointer);
    return workflow;
  }

  /** Effects may only move subjects into sets of the workflow's own project; training and set weights name its sets too. */
  private async checkReferencedSets(manager: EntityManager, projectId: string, definition: WorkflowDefinition): Promise<void> {
    const named = [
      ...definition.effects.map((effect, index) => ({ setId: effect.addToSubjectSet, pointer: `/effects/${index}/addToSubjectSet` })),
      ...selectionSets(definition),
    ];
    await this.requireProjectSets(manager, projectId, named);
  }

  /** The queue draws training subjects and weighted shares only from the workflow's own subjects: their sets must be linked. */
  private async requireLinkedSets(manager: EntityManager, workflowId: string, definition: WorkflowDefinition): Promise<void> {
    const named = selectionSets(definition);
    if (!named.length && !definition.effects.length) return;
    const rows: { subject_set_id: string }[] = await manager.query('SELECT subject_set_id FROM workflow_subject_sets WHERE workflow_id = $1', [workflowId]);
    const linked = new Set(rows.map((row) => row.subject_set_id));
    failUnlessAll(named, linked, 'is not linked to this workflow; add it to subjectSetIds');
    // Routing is from one workflow to another's sets: an effect into a set this one serves adds subjects where they are.
    const intoServed = definition.effects.flatMap((effect, index) =>
      linked.has(effect.addToSubjectSet)
        ? [{ pointer: `/effects/${index}/addToSubjectSet`, message: 'names a set this workflow serves, where its subjects already are; name a set of the workflow they should go on to' }]
        : [],
    );
    if (intoServed.length) throw validationFailed(intoServed);
  }

  /**
   * The known answers of the workflow's gold-standard subjects must be answers its tasks can take (feedback and
   * volunteer skill are measured against them): a task that does not offer one is refused, naming the subject.
   */
  private async requireTakenKnownAnswers(manager: EntityManager, workflowId: string, definition: WorkflowDefinition): Promise<void> {
    const gold: { id: string; external_id: string | null; gold_standard: Record<string, unknown> }[] = await manager.query(
      'SELECT s.id, s.external_id, s.gold_standard FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND st.gold_standard',
      [workflowId],
    );
    const errors = gold.flatMap((subject) =>
      unreadableKnownAnswers(definition, subject.gold_standard).map(({ task, problem }) => ({
        // A task the definition lacks is missing from its tasks.
        pointer: Object.hasOwn(definition.tasks, task) ? `/tasks/${task}` : '/tasks',
        message: `the known answer ${JSON.stringify(subject.gold_standard[task])} of the gold-standard subject ${subject.external_id ?? subject.id} ${problem}; correct it by sending the subject again with its externalId, make the task take that answer, or leave the subject's set unlinked`,
      })),
    );
    if (errors.length) throw validationFailed(errors);
  }

  /** Fails, naming each field, unless every set named is a subject set of the project. */
  private async requireProjectSets(manager: EntityManager, projectId: string, named: NamedSet[]): Promise<void> {
    if (!named.length) return;
    // Held until the workflow commits, so that a set cannot be deleted (subject-sets.service) under a new link or effect.
    const found: { id: string }[] = await manager.query('SELECT id FROM subject_sets WHERE id = ANY($1::uuid[]) AND project_id = $2 FOR KEY SHARE', [
      named.map(({ setId }) => setId),
      projectId,
    ]);
    failUnlessAll(named, new Set(found.map((row) => row.id)), 'is not a subject set of this project');
  }

  /**
   * Links subject sets of the same project (replacing earlier links) and brings their subjects into the workflow. Warns
   * of classified subjects that left the workflow with their sets. The deliveries kept of subjects it retired or
   * returned to the queue (`leaveWorkflow`, `rejoinLinkedSets`), to enqueue once it commits.
   */
  private async link(manager: EntityManager, workflow: Workflow, subjectSetIds: string[]): Promise<{ warnings: FieldError[]; deliveries: string[] }> {
    if (!subjectSetIds.length && workflow.status === 'active') {
      throw validationFailed([{ pointer: '/subjectSetIds', message: 'is empty, but the workflow is active: its volunteers would have nothing to classify. Link another set, or pause the workflow first (POST /workflows/:id/pause)' }]);
    }
    await this.requireProjectSets(manager, workflow.projectId, subjectSetIds.map((setId, index) => ({ setId, pointer: `/subjectSetIds/${index}` })));
    await manager.query('DELETE FROM workflow_subject_sets WHERE workflow_id = $1 AND NOT (subject_set_id = ANY($2::uuid[]))', [workflow.id, subjectSetIds]);
    // xmax is 0 in a row this statement inserted, not in one it updated (only its position).
    const linked: { subject_set_id: string; added: boolean }[] = await manager.query(
      `INSERT INTO workflow_subject_sets (workflow_id, subject_set_id, position)
       SELECT $1, t.id, t.position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, position)
       ON CONFLICT (workflow_id, subject_set_id) DO UPDATE SET position = EXCLUDED.position
       RETURNING subject_set_id, xmax = 0 AS added`,
      [workflow.id, subjectSetIds],
    );
    const rejoined = await this.workflowSubjects.afterLink(manager, workflow.id, linked.filter((row) => row.added).map((row) => row.subject_set_id));
    const { kept: left, deliveries } = await leaveWorkflow(manager, workflow.id);
    if (!left) return { warnings: [], deliveries: [...rejoined, ...deliveries] };
    const warnings = [
      {
        pointer: '/subjectSetIds',
        message: `leaves out sets whose ${left === 1 ? 'subject was' : `${left} subjects were`} classified, retired or held by volunteers in this workflow: they leave its queue, retired as "unlinked" (answers on their way are stored), and keep their classifications and consensus in the downloads; linking a set of theirs again brings them back as they were`,
      },
    ];
    return { warnings, deliveries: [...rejoined, ...deliveries] };
  }

  /** What the selection rule asks of the linked sets that they cannot give now: the researcher may not know. */
  private async selectionWarnings(manager: EntityManager, workflowId: string, { selection }: WorkflowDefinition): Promise<FieldError[]> {
    const [{ gold, training, trainingUnknown }]: { gold: number; training: number; trainingUnknown: number }[] = await manager.query(
      `SELECT (SELECT count(*)::int FROM subject_workflow_status st WHERE st.workflow_id = $1 AND st.gold_standard AND NOT ${isUnlinked('st')}) AS gold,
              (SELECT count(*)::int FROM subject_set_members WHERE subject_set_id = $2) AS training,
              (SELECT count(*)::int FROM subject_set_members m JOIN subjects s ON s.id = m.subject_id WHERE m.subject_set_id = $2 AND s.gold_standard IS NULL) AS "trainingUnknown"`,
      [workflowId, selection.training?.subjectSetId ?? null],
    );
    const warnings: FieldError[] = [];
    if (selection.goldStandardRate > 0 && gold === 0) {
      warnings.push({
        pointer: '/selection/goldStandardRate',
        message: 'gives queue slots to gold-standard subjects, but no linked subject has known answers (goldStandard) yet: until one does, every slot gets a regular subject',
      });
    }
    if (selection.training && training < selection.training.classifications) {
      warnings.push({
        pointer: '/selection/training/classifications',
        message: `asks for ${selection.training.classifications} training subjects, but the training set has ${training}: volunteers get regular subjects after those`,
      });
    }
    if (selection.training && trainingUnknown > 0) {
      warnings.push({
        pointer: '/selection/training/subjectSetId',
        message: `names a set with ${trainingUnknown === 1 ? 'a subject' : `${trainingUnknown} subjects`} without known answers (goldStandard): such a subject retires as any other does, and newcomers after that get a regular subject in its place. Give training subjects known answers, which never retire, so that every newcomer trains on them`,
      });
    }
    return warnings;
  }
}

/**
 * Whether subject set `set` is served: linked to a workflow that is not finished (`mayRoute`: the queue serves nothing
 * of a finished one; a draft or paused one serves it once opened again).
 */
const isServedSql = (set: string) =>
  `EXISTS (SELECT 1 FROM workflow_subject_sets ws JOIN workflows w ON w.id = ws.workflow_id WHERE ws.subject_set_id = ${set}.id AND ${mayRoute('w')})`;

/**
 * The effects that move subjects into a set no workflow serves: nobody classifies them there, which the researcher may
 * not know (they forgot to link the next stage's set, or unlinked it), unless the set is only meant to gather them.
 */
async function unservedEffectWarnings(manager: EntityManager, { effects }: WorkflowDefinition): Promise<FieldError[]> {
  if (!effects.length) return [];
  const unserved: { id: string; name: string }[] = await manager.query(
    `SELECT ss.id, ss.name FROM subject_sets ss WHERE ss.id = ANY($1::uuid[]) AND NOT ${isServedSql('ss')}`,
    [effects.map((effect) => effect.addToSubjectSet)],
  );
  const names = new Map(unserved.map((set) => [set.id, set.name]));
  return effects.flatMap(({ addToSubjectSet: setId }, index) => {
    const name = names.get(setId);
    if (name === undefined) return [];
    return [
      {
        pointer: `/effects/${index}/addToSubjectSet`,
        message: `names subject set "${name}" (${setId}), which no workflow serves: the subjects this effect moves there are classified no further until the set is linked to the workflow they should go on to (in its subjectSetIds), unless the set is only meant to gather them`,
      },
    ];
  });
}

/**
 * The sets the workflow saved no longer serves (`unlinkedSetIds`) that no other workflow does, into which another workflow's
 * effects move subjects: those are classified no further there, which its researchers may not know. Finishing or
 * deleting the workflow leaves them so too, but those answers carry no warnings.
 */
async function unservedRoutingWarnings(manager: EntityManager, workflowId: string, unlinkedSetIds: string[]): Promise<FieldError[]> {
  if (!unlinkedSetIds.length) return [];
  const routing: { set_id: string; set_name: string; workflow_id: string; workflow_name: string }[] = await manager.query(
    `SELECT DISTINCT ss.id AS set_id, ss.name AS set_name, w.id AS workflow_id, w.name AS workflow_name
     FROM subject_sets ss
     JOIN workflows w ON w.project_id = ss.project_id AND w.id <> $2 AND ${mayRoute('w')}
     JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
     WHERE ss.id = ANY($1::uuid[]) AND NOT ${isServedSql('ss')} AND ${effectAddsTo('v.definition', 'ss.id')}
     ORDER BY ss.name, w.name`,
    [unlinkedSetIds, workflowId],
  );
  return routing.map((row) => ({
    pointer: '/subjectSetIds',
    message: `leaves subject set "${row.set_name}" (${row.set_id}) served by no workflow, while workflow "${row.workflow_name}" (${row.workflow_id}) moves subjects into it by its effects: they are classified no further there until a workflow serves the set again`,
  }));
}

/** A saved workflow's answer, with what the researcher should know of what they saved, if anything. */
function withWarnings<T extends WorkflowSaved>(saved: T, warnings: WorkflowSaved['warnings'] & object): T {
  return warnings.length ? { ...saved, warnings } : saved;
}

/** A workflow's ETag: its version and the subject sets it serves, in their order, which a `PUT` replaces together. */
export function workflowTag(version: number, subjectSetIds: readonly string[]): string {
  const sets = createHash('sha256').update(subjectSetIds.join(',')).digest('base64url').slice(0, 12);
  return `"${version}-${sets}"`;
}

/** A workflow's routes (`workflows/:id/…`) for its project's researchers, and for its moderators, asked first (`AccessFirst`). */
export const WORKFLOW_RESEARCHERS = routeAccess(WorkflowsService, (workflows, id, user) => workflows.requireResearcher(id, user));
export const WORKFLOW_MODERATORS = routeAccess(WorkflowsService, (workflows, id, user) => workflows.requireModerator(id, user));
export const WORKFLOW_REVIEWERS = routeAccess(WorkflowsService, (workflows, id, user) => workflows.requireReviewer(id, user));
