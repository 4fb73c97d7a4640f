import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { WorkflowDefinitionCache } from '@chorus/db';
import type { WorkflowDefinition } from '@chorus/tasks';
import type { DataSource } from 'typeorm';

/** Workflow versions are immutable, so each is read from the database once per process. */
@Injectable()
export class WorkflowVersions {
  private readonly cache = new WorkflowDefinitionCache();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  definition(workflowId: string, version: number): Promise<WorkflowDefinition | undefined> {
    return this.cache.of(this.db, workflowId, version);
  }
}
