import { Injectable } from '@nestjs/common';
import { WorkflowDefinitionCache } from '@chorus/db';
import { type Annotation, type WorkflowDefinition, annotationsReadableUnder } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';

/** A workflow's version that consensus is computed under (its current one), and its definition. */
export interface ReadingVersion {
  version: number;
  definition: WorkflowDefinition;
}

/** The definition of a workflow version, read once per process (versions never change). */
@Injectable()
export class WorkflowDefinitions {
  private readonly cache = new WorkflowDefinitionCache();

  async of(manager: EntityManager, workflowId: string, version: number): Promise<WorkflowDefinition> {
    const definition = await this.cache.of(manager, workflowId, version);
    if (!definition) throw new Error(`workflow ${workflowId} has no version ${version}`);
    return definition;
  }

  /**
   * A classification's annotations, given under version `givenUnder`, as the workflow's version `current` reads them:
   * whole when given under it, else only what it can read of them (`annotationsReadableUnder`). Aggregation and skill
   * learning read every answer through this, so that skills are never learned from an answer consensus does not count.
   */
  async readable(manager: EntityManager, workflowId: string, current: ReadingVersion, givenUnder: number, annotations: Annotation[]): Promise<Annotation[]> {
    if (givenUnder === current.version) return annotations;
    return annotationsReadableUnder(current.definition, annotations, await this.of(manager, workflowId, givenUnder));
  }
}
