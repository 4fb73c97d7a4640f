import { Injectable } from '@nestjs/common';
import type { WorkflowDefinition } from '@chorus/tasks';
import type { AuthUser } from '../auth/auth.decorators';
import type { ExportFormat } from '../exports/export-format';
import { type ExportDownload, ExportStreams } from '../exports/export-streams';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { type ClassificationRow, classificationColumns, flattenClassification, taskKeysOf } from './classification-rows';

/** In the order of the unique index, so that the cursor streams from the first row without sorting the workflow. */
const CLASSIFICATION_ROWS = `
  SELECT c.id, c.subject_id, s.external_id, c.user_id, u.kind AS user_kind, c.workflow_version, c.created_at, c.started_at,
         c.finished_at, c.gold_standard, c.after_retirement, c.annotations
  FROM classifications c JOIN subjects s ON s.id = c.subject_id JOIN users u ON u.id = c.user_id
  WHERE c.workflow_id = $1
  ORDER BY c.subject_id, c.user_id`;

/** The raw classifications download: every answer of every volunteer, one flat row each; researchers only. */
@Injectable()
export class ClassificationExportService {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly exports: ExportStreams,
  ) {}

  async export(workflowId: string, format: ExportFormat, user: AuthUser): Promise<ExportDownload> {
    const workflow = await this.workflows.requireResearcher(workflowId, user);
    const byVersion = (await Promise.all(Array.from({ length: workflow.version }, (_, index) => this.versions.definition(workflowId, index + 1)))) as WorkflowDefinition[];
    const taskKeys = taskKeysOf([...byVersion].reverse());
    return this.exports.open<ClassificationRow>(
      {
        sql: CLASSIFICATION_ROWS,
        parameters: [workflowId],
        toRecord: (row) => flattenClassification(row, byVersion[row.workflow_version - 1]!, taskKeys),
        columns: classificationColumns(taskKeys),
        name: `classifications-${workflowId}`,
      },
      format,
    );
  }
}
