import { Injectable } from '@nestjs/common';
import { WorkflowDefinitionCache } from '@chorus/db';
import type { WorkflowDefinition } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';

/** The definition of a workflow version, read once per process (versions never change). */
@Injectable()
export class WorkflowDefinitions {
  private readonly cache = new WorkflowDefinitionCache();

  async of(manager: EntityManager, workflowId: string, version: number): Promise<WorkflowDefinition> {
    const definition = await this.cache.of(manager, workflowId, version);
    if (!definition) throw new Error(`workflow ${workflowId} has no version ${version}`);
    return definition;
  }
}
