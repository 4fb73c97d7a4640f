import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Readable, Transform, pipeline } from 'node:stream';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException } from '../common/problem';
import { APP_CONFIG, type AppConfig } from '../config/config';
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
  /** Exports streaming now: bounded, so that slow downloads can never take the connections submits need. */
  private streaming = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly access: ProjectAccess,
  ) {}

  /**
   * Streams one row per subject from a database cursor, so memory stays flat however large the workflow. The cursor
   * holds a connection until the client has read everything or gone away. A database error midway destroys the
   * response (Fastify), so a client sees a broken download, never a short file that looks complete.
   */
  async export(workflowId: string, format: ExportFormat, user: AuthUser): Promise<{ stream: Readable; contentType: string; filename: string }> {
    const workflow = await this.workflows.readable(workflowId, user);
    await this.access.requireResearcher(workflow.projectId, user, '/params/id');
    const definition = await this.versions.definition(workflowId, workflow.version);
    const taskKeys = Object.keys(definition!.tasks);
    if (this.streaming >= this.config.exportsAtOnce) {
      throw new ProblemException(503, `${this.streaming} downloads are streaming already (EXPORTS_AT_ONCE); try again in a minute.`, undefined, 'exports-busy');
    }
    this.streaming += 1;
    const done = () => {
      this.streaming -= 1;
    };
    try {
      const [client, release] = (await (this.db.driver as PostgresDriver).obtainMasterConnection()) as [PoolClient, (error?: unknown) => void];
      const rows = client.query(new QueryStream(CONSENSUS_ROWS, [workflowId], { batchSize: 1000 }));
      const toRecord = new Transform({
        objectMode: true,
        transform: (row: ConsensusRow, _encoding, next) => next(null, flatten(row, taskKeys)),
      });
      const stream = pipeline(rows, toRecord, serializer(format, taskKeys), (error) => {
        release(error ?? undefined);
        done();
      });
      return { stream, contentType: contentTypes[format], filename: `consensus-${workflowId}.${format}` };
    } catch (error) {
      done();
      throw error;
    }
  }
}
