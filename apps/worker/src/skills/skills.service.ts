import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { learnSkills, skillsDiffer } from '@chorus/consensus';
import { byExcludedVolunteerOfWorkflowSql, oweSkillsReaggregation, requestReaggregation } from '@chorus/db';
import { RUN_WAITING_STATES, reaggregationJob, stateOfReaggregation } from '@chorus/jobs';
import { skillWeightedTasks } from '@chorus/tasks';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { type ReadingVersion, WorkflowDefinitions } from '../aggregation/workflow-definitions';
import { SkillsRepository } from './skills.repository';

const CURRENT_DEFINITIONS = 'SELECT w.id, w.version, v.definition FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version';

/**
 * How far (in classifications, per cell of a volunteer's counts) skills learned again may be from the stored ones and
 * still be kept as stored. EM over the same answers in the same order gives the same skills to the last bit; a new
 * answer adds a whole classification to its volunteer's counts (and moves others'), so anything that changes what
 * skills are learned from (an answer, a known answer, a volunteer's account, a task the version weighs by skill)
 * moves them by far more. Kept skills are within a thousandth of a classification of the best estimate, too little to
 * move a subject's posterior; drift does not pile up, since each pass compares with the stored skills, not the last.
 */
const SKILLS_MOVED = 1e-3;

/** What learning a workflow's skills did: nothing (the stored ones still hold), replaced them, or learned its first. */
type Learned = 'unchanged' | 'changed' | 'first';

/**
 * Re-learns volunteer skill for each `bayes` task of a workflow from all its classifications (Dawid–Skene, known
 * answers held fixed), and when the skills moved (`SKILLS_MOVED`), has the unretired subjects re-aggregated, whose
 * results and retirement could change. A pass that learns what is stored already changes nothing and starts no run:
 * an idle workflow is not recomputed (nor its subjects' `updated_at` touched) every pass. The first skills learned in
 * a workflow re-aggregate every subject instead, once: subjects often retire before there are skills to weigh them,
 * and would otherwise keep a plurality vote (their retirement is kept).
 */
@Injectable()
export class SkillsService {
  private readonly logger = new Logger(SkillsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly skills: SkillsRepository,
    private readonly definitions: WorkflowDefinitions,
    @InjectQueue('reaggregation') private readonly reaggregation: Queue,
  ) {}

  /** Returns how many workflows' skills moved, each then re-aggregated. */
  async estimateAll(): Promise<number> {
    const workflows: ({ id: string } & ReadingVersion)[] = await this.db.query(`${CURRENT_DEFINITIONS} WHERE w.status = 'active'`);
    let moved = 0;
    for (const { id, ...current } of workflows) if (await this.estimate(id, current)) moved += 1;
    return moved;
  }

  /** Whether the workflow's skills moved, and a re-aggregation was asked for; `current`: its current version. */
  async estimate(workflowId: string, current: ReadingVersion): Promise<boolean> {
    const learned = await this.learn(workflowId, current, true);
    if (learned === 'unchanged') return false;
    const job = reaggregationJob(workflowId, learned === 'first' ? 'all' : 'unretired');
    try {
      // A whole run waiting to start will read these skills (and clear what they are owed as it starts).
      if (job.data.scope === 'unretired' && RUN_WAITING_STATES.has(await stateOfReaggregation(this.reaggregation, workflowId, 'all'))) return true;
      await this.reaggregation.add(job.name, job.data, job.opts);
    } catch (error) {
      // Owed in Postgres with the skills (see `learn`): the reconciler starts it once Redis answers.
      this.logger.warn(`a run of workflow ${workflowId} with its new skills stays owed, for the reconciler to start: ${(error as Error).message}`);
    }
    return true;
  }

  /** Re-learns skill for the current version's `bayes` tasks, before a whole workflow is re-aggregated with them. */
  async learnCurrent(workflowId: string): Promise<void> {
    const workflow = await this.currentVersion(workflowId);
    if (workflow) await this.learn(workflowId, workflow, false);
  }

  private async currentVersion(workflowId: string): Promise<ReadingVersion | undefined> {
    const [workflow]: ReadingVersion[] = await this.db.query(`${CURRENT_DEFINITIONS} WHERE w.id = $1`, [workflowId]);
    return workflow;
  }

  /**
   * Each task's skills are learned from a snapshot of its answers outside any transaction (EM over a million answers
   * takes seconds), then compared with the stored ones and replaced if they moved, in one. Learns of one workflow
   * (scheduled, before a whole re-aggregation, on several workers) run one at a time, under a session lock, so an older
   * snapshot never replaces a newer one. A scheduled learn records the run its moved skills call for as owed with them,
   * in the same transaction (a whole re-aggregation for the workflow's first skills, else one of its unretired
   * subjects), so that a pass cut short before it enqueues the run (killed, a deploy, Redis away) leaves it owed, and
   * the reconciler starts it: the next pass, finding the skills unchanged, would not. One before a whole run does not
   * (that run is the one).
   */
  private async learn(workflowId: string, current: ReadingVersion, scheduled: boolean): Promise<Learned> {
    const tasks = skillWeightedTasks(current.definition);
    if (!tasks.length) return 'unchanged';
    const lock = this.db.createQueryRunner();
    await lock.connect();
    const key = `estimate-skills:${workflowId}`;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      let learned: Learned = 'unchanged';
      for (const task of tasks) {
        const outcome = await this.learnTask(workflowId, current, task, scheduled);
        if (outcome === 'first' || learned === 'unchanged') learned = outcome;
      }
      return learned;
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      await lock.release();
    }
  }

  private async learnTask(workflowId: string, current: ReadingVersion, task: string, scheduled: boolean): Promise<Learned> {
    const [answers, gold]: [{ volunteer: string; subject: string; answer: string }[], { id: string; answer: string }[]] = await Promise.all([
      this.answersTo(workflowId, current, task),
      this.db.query(
        `SELECT s.id, s.gold_standard->>$2 AS answer FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id AND st.workflow_id = $1
         WHERE s.gold_standard ? $2 ORDER BY s.id`,
        [workflowId, task],
      ),
    ]);
    const learned = await learnSkills(answers, { gold: Object.fromEntries(gold.map((row) => [row.id, row.answer])) });
    return this.db.transaction(async (manager) => {
      if (!skillsDiffer(await this.skills.learned(manager, workflowId, task), learned, SKILLS_MOVED)) return 'unchanged';
      const first = scheduled && !(await this.skills.anyLearned(manager, workflowId)) && Object.keys(learned).length > 0;
      if (first) await requestReaggregation(manager, workflowId, null);
      else if (scheduled) await oweSkillsReaggregation(manager, workflowId);
      await this.skills.replace(manager, workflowId, task, learned);
      return first ? 'first' : 'changed';
    });
  }

  /**
   * Every answer to a task but the tries made while the workflow was a draft and those of volunteers excluded from the
   * project's consensus, as consensus reads it under the current version (`WorkflowDefinitions.readable`: an answer no
   * longer offered, or given to the key when it was a task of another type, teaches no skill). In a fixed order: EM
   * over the same answers in another order could end a hair apart, and look like new skills.
   */
  private async answersTo(workflowId: string, current: ReadingVersion, task: string): Promise<{ volunteer: string; subject: string; answer: string }[]> {
    const rows: { volunteer: string; subject: string; version: number; value: unknown }[] = await this.db.query(
      `SELECT c.user_id AS volunteer, c.subject_id AS subject, c.workflow_version AS version, a->'value' AS value
       FROM classifications c CROSS JOIN jsonb_array_elements(c.annotations) a
       WHERE c.workflow_id = $1 AND a->>'task' = $2 AND NOT c.made_in_draft
         AND NOT ${byExcludedVolunteerOfWorkflowSql('c', '$1')}
       ORDER BY c.subject_id, c.user_id`,
      [workflowId, task],
    );
    const answers = [];
    for (const { volunteer, subject, version, value } of rows) {
      const [read] = await this.definitions.readable(this.db.manager, workflowId, current, version, [{ task, value }]);
      if (read) answers.push({ volunteer, subject, answer: read.value as string });
    }
    return answers;
  }
}
