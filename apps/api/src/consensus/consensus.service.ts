import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Readable, Transform, pipeline } from 'node:stream';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { AuthUser } from '../auth/auth.decorators';
import { ProjectAccess } from '../projects/project-access';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { type ConsensusRow, type ExportFormat, contentTypes, flatten, serializer } from './consensus-rows';

const CONSENSUS_ROWS = `
  SELECT st.subject_id, s.external_id, st.retired_at, st.retirement_reason, st.classification_count, agg.workflow_version,
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
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly access: ProjectAccess,
  ) {}

  /** Streams one row per subject from a database cursor, so memory stays flat however large the workflow. */
  async export(workflowId: string, format: ExportFormat, user: AuthUser): Promise<{ stream: Readable; contentType: string; filename: string }> {
    const workflow = await this.workflows.readable(workflowId, user);
    await this.access.requireResearcher(workflow.projectId, user, '/params/id');
    const definition = await this.versions.definition(workflowId, workflow.version);
    const taskKeys = Object.keys(definition!.tasks);
    const [client, release] = (await (this.db.driver as PostgresDriver).obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
    const rows = client.query(new QueryStream(CONSENSUS_ROWS, [workflowId], { batchSize: 1000 }));
    const toRecord = new Transform({
      objectMode: true,
      transform: (row: ConsensusRow, _encoding, done) => done(null, flatten(row, taskKeys)),
    });
    const stream = pipeline(rows, toRecord, serializer(format, taskKeys), (error) => release(error ?? undefined));
    return { stream, contentType: contentTypes[format], filename: `consensus-${workflowId}.${format}` };
  }
}
