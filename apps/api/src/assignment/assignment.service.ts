import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type ChoosableSets, type HoldsReleased, type HoldsRenewed, type QueueView, RULE_RETIREMENT_REASONS, type WorkflowHoldsEnded } from '@chorus/client';
import { classificationsNeededAtLeast, classificationsNeededAtMost } from '@chorus/consensus';
import { type Feeding, type Project, type ProjectRole, type Workflow, feedingOf, preparedQuery } from '@chorus/db';
import { type SelectionRule, type SubjectLocation, type WorkflowDefinition, experienceThatMatters, goldOnlyAtGoldSlots, goldStandardRateAt } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound, validationFailed } from '../common/problem';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ProjectAccess, accountIdOf, isPublicWorkflow } from '../projects/project-access';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { GroupCommit } from '../common/group-commit';
import { RememberedReads } from '../auth/remembered-reads';
import { CHOOSABLE_SETS, CORRECTED_AMONG, END_ALL_HOLDS, EXPERIENCE, HOLD_FOR, IN_CHOSEN_SET, IS_CHOOSABLE_SET, RELEASE, RENEW_HOLDS, RETIRED_BY, WORKFLOWS_FOR_QUEUE, remainingSql, resumeHoldsSql } from './queue-sql';
import { type ServedSubjectRow, subjectView } from '../common/subject-view';
import { type HolderLimit, SubjectAssigner, type Take } from './subject-assigner';

/** When others hold the last subjects the volunteer may have: their assignments end within minutes. */
const HELD_RETRY_SECONDS = 30;
/**
 * When those subjects are only locked, or wait for the worker to retire them: aggregation or another assignment takes
 * milliseconds. Spread over 1–3 s, so that the volunteers who met the same locks do not all come back at once.
 */
const lockedRetrySeconds = () => 1 + Math.floor(Math.random() * 3);
const LOCKED_PAUSE_MS = 50;
/** When subjects may still come from the workflows that feed this one: they arrive as those retire theirs. */
const FED_RETRY_SECONDS = 60;

/** The takes that follow the selection order; gold and training takes serve gold-standard subjects on purpose. */
const REGULAR_KINDS = new Set<Take['kind']>(['random', 'priority', 'sequential', 'set', 'set-priority', 'set-sequential']);
/** A training take's cap: no limit on gold-standard subjects' holders (the largest int the pick takes). */
const TRAINING_HOLDERS = 2_147_483_647;

interface BatchPlan {
  training?: { subjectSetId: string; count: number };
  /** Positions, among the batch's non-training subjects, that go to gold-standard subjects. */
  goldSlots: number[];
  /** Under `setWeights`: how many of the regular slots each subject set was drawn for. */
  setShares: Map<string, number>;
}

/** Draws a subject set for each of `slots` slots, in proportion to the weights of a `random` selection. */
function drawSetShares(selection: SelectionRule, slots: number): Map<string, number> {
  const shares = new Map<string, number>();
  const weights = Object.entries(selection.setWeights ?? {});
  if (selection.order !== 'random' || !weights.length) return shares;
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  for (let slot = 0; slot < slots; slot++) {
    const setId = drawByWeight(weights, Math.random() * total);
    shares.set(setId, (shares.get(setId) ?? 0) + 1);
  }
  return shares;
}

/** The entry whose stretch of the cumulative weights holds `point` (0 ≤ point < total). */
function drawByWeight(weights: [string, number][], point: number): string {
  let cumulative = 0;
  for (const [id, weight] of weights) {
    cumulative += weight;
    if (point < cumulative) return id;
  }
  return weights.at(-1)![0];
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The regular subjects with the gold-standard ones at their drawn slots (regular ones fill slots gold could not). */
function interleave<T>(regular: T[], gold: T[], goldSlots: number[]): T[] {
  const result = [...regular];
  gold.forEach((id, index) => {
    result.splice(Math.min(goldSlots[index]!, result.length), 0, id);
  });
  return result;
}

/** What `remainingSql` finds: `eligible` only when asked for; when nothing is left to the volunteer, what may still come (`feedingOf`). */
interface WhatIsLeft extends Partial<Feeding> {
  unretired: boolean;
  unseen: boolean;
  eligible: boolean;
  /** When the first of the volunteer's holds of subjects left to classify lapses (a tab of theirs, or one that died); null: they hold none. */
  yoursUntil: Date | null;
  /** Other volunteers hold subjects left to this one (looked for only when none is eligible and the caller holds none). */
  othersHold: boolean;
  /** Nobody holds the subjects left: the worker has owed one its aggregation for a short while (`AGGREGATION_AWAITED`). */
  waitingForWorker: boolean;
  /** Nothing is left to the volunteer in the subject set they chose, but the workflow has subjects left to them in others. */
  setFinished?: boolean;
}

/** Why nothing was served, and when to ask again if more may come. */
function nothingServed(left: WhatIsLeft): Pick<QueueView, 'subjects' | 'finished' | 'reason' | 'retired' | 'retryAfterSeconds' | 'heldBy' | 'heldUntil' | 'comingFrom' | 'feedersPaused'> {
  if (left.setFinished) return { subjects: [], finished: true, reason: 'set-finished' };
  if (left.comingFrom?.length) return { subjects: [], finished: false, retryAfterSeconds: FED_RETRY_SECONDS, comingFrom: left.comingFrom, feedersPaused: left.feedersPaused };
  if (!left.unretired) return { subjects: [], finished: true, reason: 'workflow-finished' };
  if (!left.unseen) return { subjects: [], finished: true, reason: 'seen-everything' };
  if (left.eligible) return { subjects: [], finished: false, retryAfterSeconds: lockedRetrySeconds() };
  if (left.yoursUntil) return { subjects: [], finished: false, retryAfterSeconds: HELD_RETRY_SECONDS, heldBy: 'you', heldUntil: left.yoursUntil.toISOString() };
  if (left.othersHold) return { subjects: [], finished: false, retryAfterSeconds: HELD_RETRY_SECONDS, heldBy: 'others' };
  // Held by nobody: the subjects left have the answers their rule may need, and wait for the worker to retire them; in
  // a moment, unless it has owed them their aggregation for long (it is down, or fails them).
  return { subjects: [], finished: false, retryAfterSeconds: left.waitingForWorker ? lockedRetrySeconds() : HELD_RETRY_SECONDS };
}

/** What a volunteer's picks in a workflow may serve, besides what they have not classified and do not hold. */
interface PickLimits {
  holders: HolderLimit;
  /** They reported subjects of the workflow: leave those out. */
  withoutReported: boolean;
  /** The subject set they chose to work on (`volunteersChooseSubjectSet`): only its subjects; null: the whole workflow. */
  subjectSetId: string | null;
}

interface QueueWorkflowRow {
  request: number;
  name: string;
  status: Workflow['status'];
  version: number;
  project_status: Project['status'];
  project_taken_down_at: Date | null;
  role: ProjectRole | null;
  room: number;
  /** A guest's: the address it was made from, and how many more subjects its guests may hold here (null: no limit). */
  guest_address: string | null;
  address_room: number | null;
  /** The volunteer reported subjects of the workflow: the queue leaves those out for them. */
  reported: boolean;
}

/** How long a queue request asks to hold subjects (ASSIGNMENT_TTL_SECONDS when not said). */
export interface Holding {
  /** Seconds to hold the subjects served, at most the lifetime: a page that may only be looked at asks for less. */
  hold?: number;
  /** Subjects of the caller's to hold for the lifetime again, if still held: those a page whose volunteer is at work shows. */
  renew?: string[];
  /**
   * Serve first the subjects the caller still holds in the workflow, held again: a page that knows no other page of
   * theirs shows them (one that died without giving them back) goes on where it was.
   */
  resume?: boolean;
}

interface QueueRequest {
  workflowId: string;
  userId: string;
  /** Most subjects the volunteer may hold in the workflow. */
  mostHeld: number;
  /** Most subjects the guests made from the volunteer's address may hold in it together (a guest's; null: no limit). */
  addressMostHeld: number | null;
}

@Injectable()
export class AssignmentService {
  /** The workflow lookups of concurrent queue requests share one statement. */
  private readonly lookups = new GroupCommit((requests: QueueRequest[]) => this.lookUp(requests), { maxBatch: 100, maxBatchesAtOnce: 2 });
  /**
   * Per volunteer and workflow (and per guests' address and workflow), the subjects that requests in progress may still assign. The room a lookup reads does
   * not count them, so parallel requests could otherwise each take up to MAX_OUTSTANDING_ASSIGNMENTS (or its guests'
   * limit; in this API process: several processes could each serve up to it).
   */
  private readonly inProgress = new Map<string, number>();

  /**
   * Who retired a finished workflow's subjects, remembered a while (`RememberedReads`): counting them reads every
   * retired row, and on a finished workflow every volunteer's page asks, and asks again each minute.
   */
  private readonly retiredBy = new RememberedReads<QueueView['retired'] | null>(
    (workflowIds) => Promise.all(workflowIds.map((workflowId) => this.readRetiredBy(workflowId))),
    (_known, heard) => heard,
  );

  /**
   * The subject sets volunteers may choose, per workflow and training set (`<workflow id>:<training set id>`), as the
   * public figures are (`WorkflowsService.stats`): every volunteer's project page and chosen-set queue asks, and the
   * statement reads every member of every linked set, so this process goes by its last read for 30 s.
   */
  private readonly publicSetsToChoose = new RememberedReads<ChoosableSets['sets']>(
    (keys) => Promise.all(keys.map((key) => this.readSetsToChoose(...(key.split(':') as [string, string])))),
    (_known, heard) => heard,
    { batching: { maxBatch: 1, maxBatchesAtOnce: 4 } },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly versions: WorkflowVersions,
    private readonly assigner: SubjectAssigner,
    private readonly workflows: WorkflowsService,
    private readonly access: ProjectAccess,
  ) {
    // A set just unlinked here is refused at once here; other processes take up to 30 s (as the public figures do).
    workflows.onLinksSaved((workflowId) => this.publicSetsToChoose.forgetMatching((key) => key.startsWith(`${workflowId}:`)));
  }

  /**
   * The workflow as the queue reads it (with the room left to the caller, who may hold `mostHeld`), and whether the
   * caller is one of its researchers; not found unless they may read it.
   */
  private async readable(workflowId: string, user: AuthUser, mostHeld: number): Promise<{ workflow: QueueWorkflowRow; member: boolean }> {
    const addressMostHeld = user.kind === 'guest' && this.config.maxOutstandingAssignmentsPerGuestAddress ? this.config.maxOutstandingAssignmentsPerGuestAddress : null;
    const workflow = await this.lookups.submit({ workflowId, userId: user.id, mostHeld, addressMostHeld });
    const member = !!accountIdOf(user) && !!workflow?.role;
    if (!workflow || !(member || isPublicWorkflow(workflow.status, { status: workflow.project_status, takenDownAt: workflow.project_taken_down_at }))) throw notFound(`Workflow ${workflowId}`, '/params/id');
    return { workflow, member };
  }

  /**
   * The next subjects for the caller. Each one served is an outstanding assignment, committed by `SubjectAssigner`
   * before the answer is sent, so a later (prefetch) batch never repeats it, and a subject is never outstanding with
   * more volunteers than the classifications its retirement rule can still need, nor, once the rule could retire it,
   * with more than one at a time.
   */
  async queue(workflowId: string, user: AuthUser, limit: number, holding: Holding = {}, subjectSetId: string | null = null): Promise<QueueView> {
    const mostHeld = user.kind === 'guest' ? this.config.maxOutstandingAssignmentsPerGuest : this.config.maxOutstandingAssignments;
    const { workflow, member } = await this.readable(workflowId, user, mostHeld);
    const base = { workflowId, workflowVersion: workflow.version };
    // Finished by its researchers, not for want of answers: a volunteer is not told that every subject has its answers.
    if (workflow.project_status === 'finished') return { ...base, subjects: [], finished: true, reason: 'project-finished' };
    if (workflow.status === 'finished') return { ...base, subjects: [], finished: true, reason: 'workflow-finished' };
    if (!member) this.assertOpenToVolunteers(workflow);
    const definition = (await this.versions.definition(workflowId, workflow.version))!;
    if (subjectSetId) await this.requireChoosable(workflowId, definition.selection, subjectSetId, member);
    const holders = { cap: classificationsNeededAtMost(definition.retirement), earliest: classificationsNeededAtLeast(definition.retirement) };
    const limits = { holders, withoutReported: workflow.reported, subjectSetId };
    const key = `${workflowId}:${user.id}`;
    // A guest's address counts what its guests' requests in progress may take too.
    const addressKey = workflow.address_room === null ? undefined : `${workflowId}@${workflow.guest_address}`;
    const addressRoom = addressKey ? workflow.address_room! - (this.inProgress.get(addressKey) ?? 0) : Number.POSITIVE_INFINITY;
    const wanted = Math.max(0, Math.min(limit, workflow.room - (this.inProgress.get(key) ?? 0), addressRoom));
    const reserve = (reserved: string | undefined, count: number) => {
      if (!reserved) return;
      const now = (this.inProgress.get(reserved) ?? 0) + count;
      if (now) this.inProgress.set(reserved, now);
      else this.inProgress.delete(reserved);
    };
    reserve(key, wanted);
    reserve(addressKey, wanted);
    try {
      const ttl = this.config.assignmentTtlSeconds;
      if (holding.renew?.length) await preparedQuery(this.db, HOLD_FOR, [workflowId, user.id, ttl, holding.renew]);
      // A page going on in place of one of theirs that died: what the caller still holds here comes first, held again.
      const resumed = holding.resume ? await this.resumeHolds(workflowId, user, limits, limit, holding.hold ?? ttl) : [];
      const rest = limit - resumed.length;
      if (resumed.length && !rest) return { ...base, subjects: resumed, finished: false };
      // The guests of the caller's address hold all they may (a script making guests, or a large class): the subjects
      // are others', for now, whatever this guest holds (whose holds named in `renew` were renewed all the same).
      if (addressRoom <= 0 && limit > 0) {
        return resumed.length ? { ...base, subjects: resumed, finished: false } : { ...base, subjects: [], finished: false, retryAfterSeconds: HELD_RETRY_SECONDS, heldBy: 'others' };
      }
      const view = await this.serveWithin(workflowId, user, definition, limits, Math.min(wanted, rest), base);
      // Assigned for the lifetime, then held for less when asked: one statement more, for those requests only.
      if (holding.hold && holding.hold < ttl && view.subjects.length) {
        await preparedQuery(this.db, HOLD_FOR, [workflowId, user.id, holding.hold, view.subjects.map((subject) => subject.id)]);
      }
      return resumed.length ? { ...base, subjects: [...resumed, ...view.subjects], finished: false } : view;
    } finally {
      reserve(key, -wanted);
      reserve(addressKey, -wanted);
    }
  }

  /**
   * The subjects the caller still holds in the workflow and may classify, at most `limit`, in their serving order, held
   * again for `hold` seconds (never for less than they were): what a page of theirs that died was showing, for the page
   * that goes on in its place (`resume`).
   */
  private async resumeHolds(workflowId: string, user: AuthUser, { withoutReported, subjectSetId }: PickLimits, limit: number, hold: number): Promise<QueueView['subjects']> {
    const rows = await preparedQuery<ServedSubjectRow>(this.db, resumeHoldsSql(withoutReported, !!subjectSetId), [workflowId, user.id, limit, hold, ...(subjectSetId ? [subjectSetId] : [])]);
    return rows.map((row) => subjectView(row));
  }

  /**
   * Holds the caller's live assignments of these subjects for the lifetime again (a page whose volunteer is at work
   * keeps what it shows), and says which of the subjects the workflow no longer asks the caller for (retired, by its
   * rule or by researchers, taken out of it, or classified by the caller elsewhere), held or not, for the page to
   * leave out, ending the caller's holds of those but `onScreen` (`RENEW_HOLDS`); and which researchers gave new
   * addresses, for the page to show them there. For those who may read the workflow.
   */
  async renewHolds(workflowId: string, user: AuthUser, subjectIds: string[], onScreen: string | null): Promise<HoldsRenewed> {
    await this.readable(workflowId, user, 0);
    const [renewed, corrected] = await Promise.all([
      preparedQuery<{ subject_id: string; expires_at: Date | null; gone: boolean }>(this.db, RENEW_HOLDS, [workflowId, user.id, this.config.assignmentTtlSeconds, subjectIds, onScreen]),
      preparedQuery<{ id: string; locations: SubjectLocation[] }>(this.db, CORRECTED_AMONG, [workflowId, subjectIds]),
    ]);
    const held = renewed.filter((row) => !row.gone);
    return { held: held.map((row) => row.subject_id), expiresAt: held[0]?.expires_at?.toISOString() ?? null, gone: renewed.filter((row) => row.gone).map((row) => row.subject_id), corrected };
  }

  /**
   * Ends the caller's assignments of these subjects, so they go back to the pool now (a researcher trying their own
   * workflow, a script that will not classify what it was served). The caller may be served them again later. With
   * null, all the caller's live ones in the workflow: a page that died without giving its subjects back (a crash, a
   * discarded tab) no longer keeps them from the caller, who is served them again with the rest.
   */
  async releaseHolds(workflowId: string, user: AuthUser, subjectIds: string[] | null): Promise<HoldsReleased> {
    const released = await preparedQuery<{ subject_id: string }>(this.db, RELEASE, [workflowId, user.id, subjectIds]);
    return { released: released.map((row) => row.subject_id) };
  }

  /**
   * Ends every volunteer's live hold in the workflow, for its researchers (a question fixed, a project paused): the
   * subjects go back to the pool at once. With `asOf` (the time of the stats they were shown), only the holds taken by
   * then: those they were told of. A page that still shows one keeps it: its answer is stored, and its next renewal
   * finds the subject no longer held but not `gone`.
   */
  async releaseAll(workflowId: string, user: AuthUser, asOf: string | null): Promise<WorkflowHoldsEnded> {
    await this.workflows.requireResearcher(workflowId, user);
    const [ended] = await preparedQuery<WorkflowHoldsEnded>(this.db, END_ALL_HOLDS, [workflowId, asOf]);
    return ended!;
  }

  /**
   * Refuses, as the queue would, a caller who may not classify in the workflow now: not found when it is not open to them,
   * 409 when it or its project is paused or it is not active (its members may still try it).
   */
  async requireClassifiable(workflowId: string, user: AuthUser): Promise<void> {
    const { workflow, member } = await this.readable(workflowId, user, 0);
    if (!member) this.assertOpenToVolunteers(workflow);
  }

  /**
   * The subject sets volunteers may choose to work on in the workflow, in its order, with how many subjects each has
   * left to classify (gold standard aside); none when its selection does not let them choose. For anyone who may read
   * it, signed in or not (a project's page lists them).
   */
  async choosableSets(workflowId: string, user: AuthUser | undefined): Promise<ChoosableSets> {
    const workflow = await this.workflows.readable(workflowId, user);
    const definition = (await this.versions.definition(workflowId, workflow.version))!;
    if (!definition.selection.volunteersChooseSubjectSet) return { sets: [] };
    return { sets: await this.setsToChoose(workflowId, definition.selection, !!(await this.access.roleOf(workflow.projectId, user))) };
  }

  /** Refuses a chosen subject set unless the workflow lets volunteers choose and lists that set among those to choose. */
  private async requireChoosable(workflowId: string, selection: SelectionRule, subjectSetId: string, member: boolean): Promise<void> {
    if (!selection.volunteersChooseSubjectSet) {
      throw validationFailed([{ pointer: '/query/subjectSetId', message: 'names a subject set, but this workflow does not let volunteers choose one (its selection has no volunteersChooseSubjectSet): leave subjectSetId out' }]);
    }
    if (!(await this.isChoosable(workflowId, selection, subjectSetId, member))) {
      throw validationFailed([
        { pointer: '/query/subjectSetId', message: 'must be the id of a subject set volunteers may choose in this workflow (GET /workflows/:id/queue/sets lists them): one it serves, not its training set, with subjects that are not all gold standard' },
      ]);
    }
  }

  /**
   * The subject sets volunteers may choose in the workflow, under its selection: as the database has them now for its
   * project's members (the lab's view moves at once), as this process last read them (`publicSetsToChoose`) for others.
   */
  private async setsToChoose(workflowId: string, selection: SelectionRule, member: boolean): Promise<ChoosableSets['sets']> {
    const training = selection.training?.subjectSetId ?? '';
    return member ? this.readSetsToChoose(workflowId, training) : (await this.publicSetsToChoose.current(`${workflowId}:${training}`))!;
  }

  /** Whether the sets to choose (`setsToChoose`) list this one: for members, read now without counting its subjects. */
  private async isChoosable(workflowId: string, selection: SelectionRule, subjectSetId: string, member: boolean): Promise<boolean> {
    const training = selection.training?.subjectSetId || null;
    if (!member) return (await this.setsToChoose(workflowId, selection, false)).some((set) => set.id === subjectSetId);
    const [row] = await preparedQuery<{ choosable: boolean }>(this.db, IS_CHOOSABLE_SET, [workflowId, training, subjectSetId]);
    return row!.choosable;
  }

  /** `CHOOSABLE_SETS` of the workflow, its training set (or '') left out. */
  private readSetsToChoose(workflowId: string, training: string): Promise<ChoosableSets['sets']> {
    return preparedQuery<ChoosableSets['sets'][number]>(this.db, CHOOSABLE_SETS, [workflowId, training || null]);
  }

  /** A paused project, or a workflow that is not active, serves its members only. */
  private assertOpenToVolunteers(workflow: QueueWorkflowRow): void {
    if (workflow.project_status === 'paused') {
      throw new ProblemException(409, 'The project is paused by its researchers; come back later, or choose another project.', undefined, 'workflow-not-active');
    }
    if (workflow.status !== 'active') {
      throw new ProblemException(409, `The workflow "${workflow.name}" is ${workflow.status}, not active; choose another workflow of the project.`, undefined, 'workflow-not-active');
    }
  }

  /** Serves up to `wanted` subjects, or says why there are none and when to ask again. */
  private async serveWithin(
    workflowId: string,
    user: AuthUser,
    definition: WorkflowDefinition,
    limits: PickLimits,
    wanted: number,
    base: Pick<QueueView, 'workflowId' | 'workflowVersion'>,
  ): Promise<QueueView> {
    const serve = () => this.serve(workflowId, user, definition.selection, limits, wanted);
    const served = await serve();
    if (served.length) return this.servedFrom(workflowId, { ...base, subjects: served, finished: false });
    const left = await this.whatIsLeft(workflowId, user, limits, wanted > 0);
    if (!left.eligible) return { ...base, ...(await this.nothingServedIn(workflowId, left)) };
    // Subjects the volunteer may have are locked for a moment, most often by the worker aggregating them: ask once more.
    await sleep(LOCKED_PAUSE_MS);
    const retried = await serve();
    if (retried.length) return this.servedFrom(workflowId, { ...base, subjects: retried, finished: false });
    return { ...base, ...(await this.nothingServedIn(workflowId, await this.whatIsLeft(workflowId, user, limits, true))) };
  }

  /** A batch served: the workflow is not finished (any more), so who retired its subjects is read again when it is. */
  private servedFrom<T>(workflowId: string, view: T): T {
    this.retiredBy.forget(workflowId);
    return view;
  }

  /** `nothingServed`, and when every subject is retired, who retired them (`RETIRED_BY`): read on that answer only. */
  private async nothingServedIn(workflowId: string, left: WhatIsLeft): Promise<ReturnType<typeof nothingServed>> {
    const view = nothingServed(left);
    if (view.reason !== 'workflow-finished') return view;
    const retired = await this.retiredBy.current(workflowId);
    return retired ? { ...view, retired } : view;
  }

  private async readRetiredBy(workflowId: string): Promise<QueueView['retired'] | null> {
    const [counts] = await preparedQuery<{ byConsensus: number; byResearchers: number; lastByConsensus: boolean | null }>(this.db, RETIRED_BY, [workflowId, RULE_RETIREMENT_REASONS]);
    const { byConsensus, byResearchers, lastByConsensus } = counts!;
    if (lastByConsensus === null) return null;
    return { byConsensus, byResearchers, lastBy: lastByConsensus ? 'consensus' : 'researchers' };
  }

  /**
   * Up to `wanted` subjects in serving order, each one an outstanding assignment of the caller's. One take after
   * another: each commits its assignments, which the next one's picks then exclude.
   */
  private async serve(workflowId: string, user: AuthUser, selection: SelectionRule, limits: PickLimits, wanted: number): Promise<QueueView['subjects']> {
    if (!wanted) return [];
    const withoutGold = goldOnlyAtGoldSlots(selection);
    // Every newcomer trains on the training set's gold-standard subjects, however many others hold them (their cap is
    // the rule's alone: `HOLDERS_AT_MOST`); its other subjects are held no more than near retirement elsewhere.
    const take = (kind: Take['kind'], count: number, setId?: string) =>
      this.assigner.take({
        workflowId,
        userId: user.id,
        holders: kind === 'training' ? { ...limits.holders, cap: TRAINING_HOLDERS } : limits.holders,
        kind,
        count,
        setId,
        withoutGold: withoutGold && REGULAR_KINDS.has(kind),
        withoutReported: limits.withoutReported,
      });
    const plan = await this.plan(workflowId, user, selection, wanted, !limits.subjectSetId);
    const training = plan.training ? await take('training', plan.training.count, plan.training.subjectSetId) : [];
    // A volunteer who chose a subject set trains as anyone new does, then is served that set's subjects alone.
    const chosen = limits.subjectSetId;
    const gold = chosen ? await take(IN_CHOSEN_SET.gold, plan.goldSlots.length, chosen) : await take('gold', plan.goldSlots.length);
    const rest = wanted - training.length - gold.length;
    const regular = chosen ? await take(IN_CHOSEN_SET[selection.order], rest, chosen) : await this.takeRegular(take, selection, plan.setShares, rest);
    const served = [...training, ...interleave(regular, gold, plan.goldSlots)];
    if (served.length && served.every((row) => row.is_gold_standard) && !(await this.whatIsLeft(workflowId, user, limits, true)).eligible) {
      // Gold-standard subjects come alongside the others, whatever the rate: when no other could be given to the
      // volunteer now (all retired, seen, or held up to their cap), they get none, and are told why.
      await preparedQuery(this.db, RELEASE, [workflowId, user.id, served.map((row) => row.id)]);
      return [];
    }
    return served.map((row) => subjectView(row));
  }

  /** The workflow of each request as its caller sees it, or undefined when there is no such workflow. */
  private async lookUp(requests: QueueRequest[]): Promise<(QueueWorkflowRow | undefined)[]> {
    const rows = await preparedQuery<QueueWorkflowRow>(this.db, WORKFLOWS_FOR_QUEUE, [
      requests.map((request) => request.workflowId),
      requests.map((request) => request.userId),
      requests.map((request) => request.mostHeld),
      requests.map((request) => request.addressMostHeld),
    ]);
    const byRequest = new Map(rows.map((row) => [row.request, row]));
    return requests.map((_, index) => byRequest.get(index));
  }

  /**
   * What this batch serves besides the selection order: the training set first while the volunteer is new, then
   * slots for gold-standard subjects, each drawn with the rate for the volunteer's experience at that slot; and, when
   * `weighed` (not for a volunteer who chose a subject set), the weighted sets' shares.
   */
  private async plan(workflowId: string, user: AuthUser, selection: SelectionRule, wanted: number, weighed: boolean): Promise<BatchPlan> {
    const horizon = experienceThatMatters(selection);
    const experience = horizon ? (await preparedQuery<{ classifications: number }>(this.db, EXPERIENCE, [workflowId, user.id, horizon]))[0]!.classifications : 0;
    const trainingLeft = selection.training ? Math.max(0, selection.training.classifications - experience) : 0;
    const training = trainingLeft ? { subjectSetId: selection.training!.subjectSetId, count: Math.min(wanted, trainingLeft) } : undefined;
    const goldSlots: number[] = [];
    for (let slot = 0; slot < wanted - (training?.count ?? 0); slot++) {
      if (Math.random() < goldStandardRateAt(selection, experience + (training?.count ?? 0) + slot)) goldSlots.push(slot);
    }
    return { training, goldSlots, setShares: weighed ? drawSetShares(selection, wanted - (training?.count ?? 0) - goldSlots.length) : new Map() };
  }

  /**
   * What is left for the volunteer (in the subject set they chose, if they did); whether a subject is only locked is
   * looked for when they may take more. When the chosen set has nothing left to them, what the workflow has left
   * says whether they are done with the set only (`setFinished`) or with the workflow.
   */
  private async whatIsLeft(workflowId: string, user: AuthUser, limits: PickLimits, mayTakeMore: boolean): Promise<WhatIsLeft> {
    const { holders, withoutReported, subjectSetId } = limits;
    const parameters = [workflowId, user.id, holders.cap, mayTakeMore, holders.earliest, ...(subjectSetId ? [subjectSetId] : [])];
    const left = (await preparedQuery<WhatIsLeft>(this.db, remainingSql(withoutReported, !!subjectSetId), parameters))[0]!;
    if (left.unretired && left.unseen) return left;
    if (subjectSetId) {
      const inWorkflow = await this.whatIsLeft(workflowId, user, { ...limits, subjectSetId: null }, false);
      return inWorkflow.unretired && inWorkflow.unseen ? { ...left, setFinished: true } : inWorkflow;
    }
    return { ...left, ...(await feedingOf(this.db, workflowId)) };
  }

  /**
   * The batch's regular subjects in the selection order; under `setWeights`, each set's drawn share first (mixed
   * together), then any set fills what a set could not.
   */
  private async takeRegular(
    take: (kind: Take['kind'], count: number, setId?: string) => Promise<ServedSubjectRow[]>,
    selection: SelectionRule,
    setShares: Map<string, number>,
    count: number,
  ): Promise<ServedSubjectRow[]> {
    // The sets' shares go into one batch together; a subject in two sets goes to the first share, and the rest fills.
    const weighted = (await Promise.all([...setShares].map(([subjectSetId, share]) => take('set', share, subjectSetId)))).flat();
    const rest = weighted.length < count ? await take(selection.order, count - weighted.length) : [];
    return setShares.size ? shuffled([...weighted, ...rest]) : rest;
  }
}
