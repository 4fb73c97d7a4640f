import { Injectable } from '@nestjs/common';
import { type ClassificationRecord, type VolunteerSkills, skillSummary } from '@chorus/consensus';
import type { EntityManager } from 'typeorm';

/** Learned volunteer skill, per workflow, task and volunteer, as `packages/consensus` reads and writes it. */
@Injectable()
export class SkillsRepository {
  /**
   * The skills of the volunteers behind these classifications (of one subject or a batch of them), by task key; a task
   * of `tasks` with skills learned in the workflow has an entry even when none of these volunteers has one, so that
   * whether a subject is reduced by skill depends on the workflow, never on the subjects aggregated with it.
   */
  async of(manager: EntityManager, workflowId: string, tasks: readonly string[], classifications: readonly ClassificationRecord[]): Promise<Record<string, VolunteerSkills>> {
    const volunteers = [...new Set(classifications.flatMap((c) => (c.volunteer ? [c.volunteer] : [])))];
    const [rows, learned]: [{ task: string; user_id: string; confusion: VolunteerSkills[string] }[], { task: string }[]] = await Promise.all([
      manager.query('SELECT task, user_id, confusion FROM volunteer_skills WHERE workflow_id = $1 AND user_id = ANY($2::uuid[])', [workflowId, volunteers]),
      manager.query('SELECT t.task FROM unnest($2::text[]) AS t(task) WHERE EXISTS (SELECT 1 FROM volunteer_skills s WHERE s.workflow_id = $1 AND s.task = t.task)', [
        workflowId,
        tasks,
      ]),
    ]);
    const skills: Record<string, VolunteerSkills> = Object.fromEntries(learned.map((row) => [row.task, {}]));
    for (const row of rows) {
      skills[row.task] ??= {};
      skills[row.task]![row.user_id] = row.confusion;
    }
    return skills;
  }

  /** A task's learned skills, every volunteer's. */
  async learned(manager: EntityManager, workflowId: string, task: string): Promise<VolunteerSkills> {
    const rows: { user_id: string; confusion: VolunteerSkills[string] }[] = await manager.query(
      'SELECT user_id, confusion FROM volunteer_skills WHERE workflow_id = $1 AND task = $2',
      [workflowId, task],
    );
    return Object.fromEntries(rows.map((row) => [row.user_id, row.confusion]));
  }

  /** Whether the workflow has skills learned for any task. */
  async anyLearned(manager: EntityManager, workflowId: string): Promise<boolean> {
    const [row]: { any: boolean }[] = await manager.query('SELECT EXISTS (SELECT 1 FROM volunteer_skills WHERE workflow_id = $1) AS any', [workflowId]);
    return row!.any;
  }

  /** Replaces a task's learned skills with a new estimate; `evidence` is how many of the volunteer's own answers it rests on. */
  async replace(manager: EntityManager, workflowId: string, task: string, skills: VolunteerSkills): Promise<void> {
    const rows = Object.entries(skills).map(([userId, confusion]) => ({
      user_id: userId,
      confusion,
      evidence: skillSummary(confusion).answers,
    }));
    await manager.query('DELETE FROM volunteer_skills WHERE workflow_id = $1 AND task = $2', [workflowId, task]);
    if (!rows.length) return;
    await manager.query(
      `INSERT INTO volunteer_skills (workflow_id, user_id, task, confusion, evidence, updated_at)
       SELECT $1, r.user_id, $2, r.confusion, round(r.evidence), now() FROM jsonb_to_recordset($3::jsonb) AS r(user_id uuid, confusion jsonb, evidence double precision)`,
      [workflowId, task, JSON.stringify(rows)],
    );
  }
}
