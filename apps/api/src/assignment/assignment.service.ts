import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type SubjectLocation, publicMetadata } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException } from '../common/problem';
import { ProjectAccess } from '../projects/project-access';
import { WorkflowsService } from '../workflows/workflows.service';

export interface QueueView {
  workflowId: string;
  workflowVersion: number;
  subjects: { id: string; externalId: string | null; locations: SubjectLocation[]; metadata: Record<string, unknown> }[];
  finished: boolean;
  reason?: 'seen-everything' | 'workflow-finished';
}

interface QueueRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

/**
 * Random selection of subjects the caller has not classified and that are not retired. Each status row carries a
 * random key fixed at insert; a batch is the next keys after a random point (wrapping around), an index range scan.
 */
const RANDOM_BATCH = `
  WITH candidates AS (
    (SELECT st.subject_id, st.random FROM subject_workflow_status st
      WHERE st.workflow_id = $1 AND st.retired_at IS NULL AND st.random >= $3
        AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2)
      ORDER BY st.random LIMIT $4)
    UNION ALL
    (SELECT st.subject_id, st.random + 1 FROM subject_workflow_status st
      WHERE st.workflow_id = $1 AND st.retired_at IS NULL AND st.random < $3
        AND NOT EXISTS (SELECT 1 FROM classifications c WHERE c.workflow_id = $1 AND c.subject_id = st.subject_id AND c.user_id = $2)
      ORDER BY st.random LIMIT $4)
  ), batch AS (SELECT subject_id, random FROM candidates ORDER BY random LIMIT $4)
  SELECT s.id, s.external_id, s.locations, s.metadata FROM batch JOIN subjects s ON s.id = batch.subject_id ORDER BY batch.random`;

@Injectable()
export class AssignmentService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly workflows: WorkflowsService, private readonly access: ProjectAccess) {}

  async queue(workflowId: string, user: AuthUser, limit: number): Promise<QueueView> {
    const workflow = await this.workflows.readable(workflowId, user);
    const base = { workflowId, workflowVersion: workflow.version };
    if (workflow.status === 'finished') return { ...base, subjects: [], finished: true, reason: 'workflow-finished' };
    if (workflow.status !== 'active' && !(await this.access.roleOf(workflow.projectId, user))) {
      throw new ProblemException(409, `The workflow "${workflow.name}" is ${workflow.status}, not active; choose another workflow of the project.`, undefined, 'workflow-not-active');
    }
    const rows: QueueRow[] = await this.db.query(RANDOM_BATCH, [workflowId, user.id, Math.random(), limit]);
    const subjects = rows.map((row) => ({ id: row.id, externalId: row.external_id, locations: row.locations, metadata: publicMetadata(row.metadata) }));
    if (subjects.length) return { ...base, subjects, finished: false };
    return { ...base, subjects, finished: true, reason: (await this.hasUnretired(workflowId)) ? 'seen-everything' : 'workflow-finished' };
  }

  private async hasUnretired(workflowId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND retired_at IS NULL LIMIT 1', [workflowId]);
    return rows.length > 0;
  }
}
