import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { validateAnnotations } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { conflict, validationFailed } from '../common/problem';
import { unwrap } from '../common/zod';
import { JobProducer } from '../jobs/job-producer';
import { MetricsService } from '../metrics/metrics.service';
import { WorkflowVersions } from '../workflows/workflow-versions';
import type { ClassificationInput } from './dto/classification.dto';

export interface SubmitResult {
  id: string;
  replayed: boolean;
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ClassificationsService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly versions: WorkflowVersions, private readonly jobs: JobProducer, private readonly metrics: MetricsService) {}

  /**
   * Validates against the workflow version, commits, then answers: an acknowledged classification is durable.
   * A replay with the same idempotency key returns the first answer; aggregation is enqueued after the commit.
   */
  async submit(input: ClassificationInput, idempotencyKey: string, user: AuthUser): Promise<SubmitResult> {
    const replay = await this.findReplay(user.id, idempotencyKey);
    if (replay) return replay;
    const annotations = await this.validate(input);
    let id: string;
    try {
      id = await this.insert(input, annotations, idempotencyKey, user);
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const raced = await this.findReplay(user.id, idempotencyKey);
      if (raced) return raced;
      throw conflict('You have already classified this subject in this workflow; ask the queue for the next subject.', 'already-classified');
    }
    this.metrics.classificationSubmitted();
    await this.jobs.aggregate(input.workflowId, input.subjectId);
    return { id, replayed: false };
  }

  private async findReplay(userId: string, idempotencyKey: string): Promise<SubmitResult | undefined> {
    const [row] = await this.db.query('SELECT id FROM classifications WHERE user_id = $1 AND idempotency_key = $2', [userId, idempotencyKey]);
    return row ? { id: row.id, replayed: true } : undefined;
  }

  private async validate(input: ClassificationInput) {
    const definition = await this.versions.definition(input.workflowId, input.workflowVersion);
    if (!definition) {
      const [workflow] = await this.db.query('SELECT version FROM workflows WHERE id = $1', [input.workflowId]);
      if (!workflow) throw validationFailed([{ pointer: '/workflowId', message: 'names no workflow' }]);
      throw validationFailed([{ pointer: '/workflowVersion', message: `is not a version of this workflow (the current version is ${workflow.version})` }]);
    }
    return unwrap(validateAnnotations(definition, input.annotations, '/annotations'));
  }

  /** One transaction: the classification, its subject's count and the end of its assignment, or none of them. */
  private insert(input: ClassificationInput, annotations: unknown, idempotencyKey: string, user: AuthUser): Promise<string> {
    return this.db.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO classifications (workflow_id, workflow_version, subject_id, user_id, annotations, started_at, finished_at, metadata, idempotency_key, after_retirement, gold_standard)
         SELECT $1, $2, st.subject_id, $3, $4, $5, $6, $7, $8, st.retired_at IS NOT NULL, s.gold_standard IS NOT NULL
         FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
         WHERE st.workflow_id = $1 AND st.subject_id = $9
         RETURNING id`,
        [input.workflowId, input.workflowVersion, user.id, JSON.stringify(annotations), input.startedAt ?? null, input.finishedAt ?? null, JSON.stringify(input.metadata), idempotencyKey, input.subjectId],
      );
      if (!row) throw validationFailed([{ pointer: '/subjectId', message: 'is not a subject of this workflow' }]);
      await manager.query(
        'UPDATE subject_workflow_status SET classification_count = classification_count + 1, updated_at = now() WHERE workflow_id = $1 AND subject_id = $2',
        [input.workflowId, input.subjectId],
      );
      await manager.query('DELETE FROM assignments WHERE workflow_id = $1 AND user_id = $2 AND subject_id = $3', [input.workflowId, user.id, input.subjectId]);
      return row.id as string;
    });
  }
}
