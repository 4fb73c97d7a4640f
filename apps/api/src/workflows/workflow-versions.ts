import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkflowVersion } from '@chorus/db';
import type { WorkflowDefinition } from '@chorus/tasks';
import type { Repository } from 'typeorm';

/** Workflow versions are immutable, so each is read from the database once per process. */
@Injectable()
export class WorkflowVersions {
  private readonly cache = new Map<string, WorkflowDefinition>();
  private static readonly MAX_CACHED = 5_000;

  constructor(@InjectRepository(WorkflowVersion) private readonly versions: Repository<WorkflowVersion>) {}

  async definition(workflowId: string, version: number): Promise<WorkflowDefinition | undefined> {
    const key = `${workflowId}:${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const row = await this.versions.findOneBy({ workflowId, version });
    if (!row) return undefined;
    if (this.cache.size >= WorkflowVersions.MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    const definition = row.definition as unknown as WorkflowDefinition;
    this.cache.set(key, definition);
    return definition;
  }
}
