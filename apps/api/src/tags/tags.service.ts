import type { ProposedTag } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type TaggingVote, reduceTagging } from '@chorus/consensus';
import type { WorkflowDefinition } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';

@Injectable()
export class TagsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
  ) {}

  /**
   * The tags volunteers proposed for a subject in a tagging task, with their up and down votes, tallied from the
   * stored classifications as consensus tallies them (proposing a tag counts as an up vote), best supported first.
   */
  async proposed(workflowId: string, subjectId: string, taskKey: string, user: AuthUser | undefined): Promise<{ tags: ProposedTag[] }> {
    const workflow = await this.workflows.readable(workflowId, user);
    requireTaggingTask(await this.versions.definition(workflowId, workflow.version), taskKey);
    await this.requireSubject(workflowId, subjectId);
    const rows: { value: unknown }[] = await this.db.query(
      `SELECT a->'value' AS value FROM classifications c CROSS JOIN LATERAL jsonb_array_elements(c.annotations) a
       WHERE c.workflow_id = $1 AND c.subject_id = $2 AND a->>'task' = $3`,
      [workflowId, subjectId, taskKey],
    );
    const votes = rows.map((row) => row.value).filter(isTaggingVote);
    return { tags: reduceTagging(votes).tags.map(({ tag, up, down }) => ({ tag, up, down })) };
  }

  private async requireSubject(workflowId: string, subjectId: string): Promise<void> {
    const [row] = await this.db.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
    if (!row) throw notFound(`Subject ${subjectId} in this workflow`, '/params/subjectId');
  }
}

function requireTaggingTask(definition: WorkflowDefinition | undefined, taskKey: string): void {
  if (definition?.tasks[taskKey]?.type === 'tagging') return;
  const tagging = Object.entries(definition?.tasks ?? {}).flatMap(([key, task]) => (task.type === 'tagging' ? [key] : []));
  const known = tagging.length ? `its tagging tasks are ${tagging.join(', ')}` : 'it has no tagging task';
  throw validationFailed([{ pointer: '/query/task', message: `"${taskKey}" is not a tagging task of this workflow; ${known}` }]);
}

/** A stored tagging value (earlier versions of the workflow may have used the same key for another task type). */
function isTaggingVote(value: unknown): value is TaggingVote {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { add, up, down } = value as Record<string, unknown>;
  return [add, up, down].every((list) => list === undefined || (Array.isArray(list) && list.every((tag) => typeof tag === 'string')));
}
