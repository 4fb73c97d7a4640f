import { Injectable } from '@nestjs/common';
import { reachableTasks } from '@chorus/tasks';
import type { AuthUser } from '../auth/auth.decorators';
import type { ExportFormat } from '../exports/export-format';
import { type ExportDownload, ExportStreams } from '../exports/export-streams';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { type ConsensusRow, columnsOf, flatten } from './consensus-rows';

const CONSENSUS_ROWS = `
  SELECT st.subject_id, s.external_id, st.retired_at, st.retirement_reason, st.retirement_detail->>'reason' AS retirement_note,
         st.classification_count, agg.workflow_version,
         coalesce(agg.tasks, '{}'::jsonb) AS tasks
  FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
  LEFT JOIN LATERAL (
    SELECT max(c.workflow_version) AS workflow_version,
           jsonb_object_agg(c.task, jsonb_build_object('answer', c.answer, 'agreement', c.agreement, 'votes', c.votes)) AS tasks
    FROM consensus c WHERE c.workflow_id = st.workflow_id AND c.subject_id = st.subject_id) agg ON true
  WHERE st.workflow_id = $1
  ORDER BY st.subject_id`;

@Injectable()
export class ConsensusService {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly exports: ExportStreams,
  ) {}

  /** One row per subject, with the consensus of every task of the workflow's current version; researchers only. */
  async export(workflowId: string, format: ExportFormat, user: AuthUser): Promise<ExportDownload> {
    const workflow = await this.workflows.requireResearcher(workflowId, user);
    const definition = await this.versions.definition(workflowId, workflow.version);
    const taskKeys = reachableTasks(definition!); // the workflow's order: a stored definition's keys are jsonb's
    return this.exports.open<ConsensusRow>(
      { sql: CONSENSUS_ROWS, parameters: [workflowId], toRecord: (row) => flatten(row, taskKeys), columns: columnsOf(taskKeys), name: `consensus-${workflowId}` },
      format,
    );
  }
}
