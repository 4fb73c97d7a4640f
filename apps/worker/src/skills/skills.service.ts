import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { learnSkills } from '@chorus/consensus';
import { requestReaggregation } from '@chorus/db';
import { reaggregationJob } from '@chorus/jobs';
import { type WorkflowDefinition, skillWeightedTasks } from '@chorus/tasks';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { SkillsRepository } from './skills.repository';

const CURRENT_DEFINITIONS = 'SELECT w.id, v.definition FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version';

/**
 * Re-learns volunteer skill for each `bayes` task of a workflow from all its classifications (Dawid–Skene, known
 * answers held fixed), then has the unretired subjects re-aggregated, whose results and retirement could change. The
 * first skills learned in a workflow re-aggregate every subject instead, once: subjects often retire before there are
 * skills to weigh them, and would otherwise keep a plurality vote (their retirement is kept).
 */
@Injectable()
export class SkillsService {
  constructor(private readonly db: DataSource, private readonly skills: SkillsRepository, @InjectQueue('reaggregation') private readonly reaggregation: Queue) {}

  /** Returns how many workflows were estimated. */
  async estimateAll(): Promise<number> {
    const workflows: { id: string; definition: WorkflowDefinition }[] = await this.db.query(`${CURRENT_DEFINITIONS} WHERE w.status = 'active'`);
    let estimated = 0;
    for (const workflow of workflows) if (await this.estimate(workflow.id, workflow.definition)) estimated += 1;
    return estimated;
  }

  async estimate(workflowId: string, definition: WorkflowDefinition): Promise<boolean> {
    if (!skillWeightedTasks(definition).length) return false;
    // Recorded as owed before anything is learned, so that a pass cut short (a deploy, Redis away) still has it run.
    const first = await this.firstSkills(workflowId);
    if (first) await requestReaggregation(this.db, workflowId, null);
    await this.learn(workflowId, definition);
    const job = reaggregationJob(workflowId, first ? 'all' : 'unretired');
    await this.reaggregation.add(job.name, job.data, job.opts);
    return true;
  }

  /** Whether the workflow has answers and no skills learned from them yet. */
  private async firstSkills(workflowId: string): Promise<boolean> {
    const [row]: { first: boolean }[] = await this.db.query(
      `SELECT NOT EXISTS (SELECT 1 FROM volunteer_skills WHERE workflow_id = $1) AND EXISTS (SELECT 1 FROM classifications WHERE workflow_id = $1) AS first`,
      [workflowId],
    );
    return row!.first;
  }

  /** Re-learns skill for the current version's `bayes` tasks, before a whole workflow is re-aggregated with them. */
  async learnCurrent(workflowId: string): Promise<void> {
    const [workflow]: { definition: WorkflowDefinition }[] = await this.db.query(`${CURRENT_DEFINITIONS} WHERE w.id = $1`, [workflowId]);
    if (workflow) await this.learn(workflowId, workflow.definition);
  }

  /**
   * Each task's skills are learned from a snapshot of its
   * answers outside any transaction (EM over a million answers takes seconds), then replaced in one. Learns of one
   * workflow (scheduled, before a whole re-aggregation, on several workers) run one at a time, under a session lock, so
   * an older snapshot never replaces a newer one.
   */
  private async learn(workflowId: string, definition: WorkflowDefinition): Promise<void> {
    const tasks = skillWeightedTasks(definition);
    if (!tasks.length) return;
    const lock = this.db.createQueryRunner();
    await lock.connect();
    const key = `estimate-skills:${workflowId}`;
    try {
      await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      for (const task of tasks) await this.learnTask(workflowId, task);
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
      await lock.release();
    }
  }

  private async learnTask(workflowId: string, task: string): Promise<void> {
    const [answers, gold]: [{ volunteer: string; subject: string; answer: string }[], { id: string; answer: string }[]] = await Promise.all([
      this.db.query(
        `SELECT c.user_id AS volunteer, c.subject_id AS subject, a->>'value' AS answer
         FROM classifications c CROSS JOIN jsonb_array_elements(c.annotations) a
         WHERE c.workflow_id = $1 AND a->>'task' = $2 AND jsonb_typeof(a->'value') = 'string'`,
        [workflowId, task],
      ),
      this.db.query(
        `SELECT s.id, s.gold_standard->>$2 AS answer FROM subjects s JOIN subject_workflow_status st ON st.subject_id = s.id AND st.workflow_id = $1
         WHERE s.gold_standard ? $2`,
        [workflowId, task],
      ),
    ]);
    const learned = await learnSkills(answers, { gold: Object.fromEntries(gold.map((row) => [row.id, row.answer])) });
    await this.db.transaction((manager) => this.skills.replace(manager, workflowId, task, learned));
  }
}
