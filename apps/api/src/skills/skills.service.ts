import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { VolunteerSkill, WorkflowSkills } from '@chorus/client';
import { type ConfusionCounts, skillSummary } from '@chorus/consensus';
import type { AuthUser } from '../auth/auth.decorators';
import { WorkflowsService } from '../workflows/workflows.service';

interface SkillRow {
  task: string;
  user_id: string;
  user_kind: VolunteerSkill['volunteer']['kind'];
  /** A registered volunteer's display name, as the raw download's `user_name`. */
  user_name: string | null;
  confusion: ConfusionCounts;
  updated_at: Date;
  gold_answers: number | null;
  gold_agreed: number | null;
}

/**
 * The skills the worker stored (`volunteer_skills`), each volunteer named as the raw download names them, with their
 * answers to the task on subjects of known answer (as the worker reads gold standard: the subject's, answers made in
 * draft left out) and how many agreed with it. A known answer may be a list of answers, any of which agrees. Read from
 * the gold-standard subjects' hot rows, so that only their classifications are read, not the workflow's every one.
 */
const SKILL_ROWS = `
  WITH gold AS (
    SELECT c.user_id, a->>'task' AS task, count(*)::int AS answers,
           count(*) FILTER (WHERE s.gold_standard->(a->>'task') = a->'value' OR s.gold_standard->(a->>'task') @> jsonb_build_array(a->'value'))::int AS agreed
    FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
      JOIN classifications c ON c.workflow_id = st.workflow_id AND c.subject_id = st.subject_id CROSS JOIN jsonb_array_elements(c.annotations) a
    WHERE st.workflow_id = $1 AND st.gold_standard AND NOT c.made_in_draft AND s.gold_standard ? (a->>'task')
    GROUP BY c.user_id, a->>'task')
  SELECT vs.task, vs.user_id, u.kind AS user_kind, CASE WHEN u.kind = 'registered' THEN u.display_name END AS user_name, vs.confusion, vs.updated_at,
         gold.answers AS gold_answers, gold.agreed AS gold_agreed
  FROM volunteer_skills vs JOIN users u ON u.id = vs.user_id LEFT JOIN gold ON gold.user_id = vs.user_id AND gold.task = vs.task
  WHERE vs.workflow_id = $1`;

const toSkill = (row: SkillRow): VolunteerSkill => ({
  task: row.task,
  volunteerId: row.user_id,
  volunteer: { kind: row.user_kind, name: row.user_name },
  ...skillSummary(row.confusion),
  gold: row.gold_answers ? { answers: row.gold_answers, agreed: row.gold_agreed ?? 0 } : null,
  learnedAt: row.updated_at.toISOString(),
});

/** What the worker learned of a `bayes` workflow's volunteers, for its researchers to find careless ones. */
@Injectable()
export class SkillsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
  ) {}

  /** Each volunteer's skill on each task, in task order, the least accurate first. */
  async of(workflowId: string, user: AuthUser): Promise<WorkflowSkills> {
    await this.workflows.requireResearcher(workflowId, user);
    const rows: SkillRow[] = await this.db.query(SKILL_ROWS, [workflowId]);
    const skills = rows.map(toSkill);
    skills.sort((a, b) => a.task.localeCompare(b.task) || a.accuracy - b.accuracy || a.volunteerId.localeCompare(b.volunteerId));
    return { skills };
  }
}
