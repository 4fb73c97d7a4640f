import { Injectable } from '@nestjs/common';
import { type ClassificationRecord, findRetirement, reduceSubject, subjectSetsFromEffects } from '@chorus/consensus';
import { addToSubjectSet } from '@chorus/db';
import type { WorkflowDefinition } from '@chorus/tasks';
import { DataSource, type EntityManager } from 'typeorm';
import { SkillsRepository } from '../skills/skills.repository';

export type AggregationOutcome = 'missing' | 'aggregated' | 'retired';

interface StatusRow {
  retired_at: Date | null;
  definition: WorkflowDefinition;
}

/**
 * Recomputes one subject's consensus and retirement in one workflow from all its classifications, in one
 * transaction. Safe to run any number of times: the result depends only on what is in the database.
 */
@Injectable()
export class AggregationService {
  constructor(private readonly db: DataSource, private readonly skills: SkillsRepository) {}

  aggregateSubject(workflowId: string, subjectId: string): Promise<AggregationOutcome> {
    return this.db.transaction(async (manager) => {
      const [status]: StatusRow[] = await manager.query(
        `SELECT st.retired_at, v.definition FROM subject_workflow_status st
         JOIN workflows w ON w.id = st.workflow_id JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.version
         WHERE st.workflow_id = $1 AND st.subject_id = $2 FOR UPDATE OF st`,
        [workflowId, subjectId],
      );
      if (!status) return 'missing';
      const classifications = await this.classificationsOf(manager, workflowId, subjectId);
      const options = { skills: await this.skills.of(manager, workflowId, classifications) };
      const consensus = reduceSubject(status.definition, classifications, options);
      await this.saveConsensus(manager, workflowId, subjectId, consensus);
      const retirement = status.retired_at ? undefined : findRetirement(status.definition, classifications, options);
      // Effects fire once, when the answer is known: the subject moves into the sets that feed the next workflows.
      if (retirement?.decision.retire) {
        for (const setId of subjectSetsFromEffects(status.definition.effects, consensus)) await addToSubjectSet(manager, setId, [subjectId]);
      }
      await manager.query(
        retirement?.decision.retire
          ? `UPDATE subject_workflow_status SET aggregated_count = $3, retired_at = now(), retirement_reason = $4, retirement_detail = $5, retired_by_classification_id = $6, updated_at = now()
             WHERE workflow_id = $1 AND subject_id = $2`
          : 'UPDATE subject_workflow_status SET aggregated_count = $3, updated_at = now() WHERE workflow_id = $1 AND subject_id = $2',
        retirement?.decision.retire
          ? [workflowId, subjectId, classifications.length, retirement.decision.reason, JSON.stringify(retirement.decision.detail), retirement.triggeredBy]
          : [workflowId, subjectId, classifications.length],
      );
      return retirement?.decision.retire ? 'retired' : 'aggregated';
    });
  }

  private async classificationsOf(manager: EntityManager, workflowId: string, subjectId: string): Promise<ClassificationRecord[]> {
    const rows: { id: string; user_id: string; annotations: ClassificationRecord['annotations']; counts: boolean }[] = await manager.query(
      `SELECT id, user_id, annotations, NOT (gold_standard OR after_retirement) AS counts FROM classifications
       WHERE workflow_id = $1 AND subject_id = $2 ORDER BY created_at, id`,
      [workflowId, subjectId],
    );
    return rows.map((row) => ({ id: row.id, volunteer: row.user_id, annotations: row.annotations, countsTowardRetirement: row.counts }));
  }

  private async saveConsensus(manager: EntityManager, workflowId: string, subjectId: string, results: ReturnType<typeof reduceSubject>): Promise<void> {
    if (!results.length) return;
    await manager.query(
      `INSERT INTO consensus (workflow_id, subject_id, task, answer, agreement, votes, algorithm, parameters, result, computed_at)
       SELECT $1, $2, r.task, r.answer, r.agreement, r.votes, r.algorithm, r.parameters, r.result, clock_timestamp()
       FROM jsonb_to_recordset($3::jsonb) AS r(task text, answer text, agreement double precision, votes int, algorithm text, parameters jsonb, result jsonb)
       ON CONFLICT (workflow_id, subject_id, task) DO UPDATE SET answer = EXCLUDED.answer, agreement = EXCLUDED.agreement, votes = EXCLUDED.votes,
         algorithm = EXCLUDED.algorithm, parameters = EXCLUDED.parameters, result = EXCLUDED.result, computed_at = EXCLUDED.computed_at`,
      [workflowId, subjectId, JSON.stringify(results)],
    );
  }
}
