import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { classificationsNeededAtMost } from '@chorus/consensus';
import { type SubjectLocation, publicMetadata } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException } from '../common/problem';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ProjectAccess } from '../projects/project-access';
import { WorkflowVersions } from '../workflows/workflow-versions';
import { WorkflowsService } from '../workflows/workflows.service';
import { ASSIGN, REMAINING, ROOM, STILL_ELIGIBLE, SUBJECTS_BY_ID, candidatePasses } from './queue-sql';

export interface QueueView {
  workflowId: string;
  workflowVersion: number;
  subjects: { id: string; externalId: string | null; locations: SubjectLocation[]; metadata: Record<string, unknown> }[];
  /** True when nothing is left for this volunteer; `reason` says why. */
  finished: boolean;
  reason?: 'seen-everything' | 'workflow-finished';
  /** When nothing can be served now but more may come (others hold the last subjects), ask again after this. */
  retryAfterSeconds?: number;
}

interface SubjectRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

@Injectable()
export class AssignmentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workflows: WorkflowsService,
    private readonly versions: WorkflowVersions,
    private readonly access: ProjectAccess,
  ) {}

  /**
   * The next subjects for the caller. Each one served becomes an outstanding assignment in the same transaction,
   * so a later (prefetch) batch never repeats it, and a subject is never outstanding with more volunteers than the
   * classifications its retirement rule can still need.
   */
  async queue(workflowId: string, user: AuthUser, limit: number): Promise<QueueView> {
    const workflow = await this.workflows.readable(workflowId, user);
    const base = { workflowId, workflowVersion: workflow.version };
    if (workflow.status === 'finished') return { ...base, subjects: [], finished: true, reason: 'workflow-finished' };
    if (workflow.status !== 'active' && !(await this.access.roleOf(workflow.projectId, user))) {
      throw new ProblemException(409, `The workflow "${workflow.name}" is ${workflow.status}, not active; choose another workflow of the project.`, undefined, 'workflow-not-active');
    }
    const definition = (await this.versions.definition(workflowId, workflow.version))!;
    const cap = classificationsNeededAtMost(definition.retirement);
    const rows = await this.db.transaction(async (manager) => {
      const [{ room }] = await manager.query(ROOM, [workflowId, user.id, this.config.maxOutstandingAssignments]);
      const wanted = Math.min(limit, room);
      const ids: string[] = [];
      const start = Math.random();
      for (const pass of candidatePasses(definition.selection.order)) {
        if (ids.length >= wanted) break;
        const params = [workflowId, user.id, cap, wanted - ids.length, ...(pass.randomStart ? [start] : [])];
        const picked: { subject_id: string }[] = await manager.query(pass.sql, params);
        ids.push(...picked.map((row) => row.subject_id));
      }
      if (!ids.length) return [];
      const eligible: { subject_id: string }[] = await manager.query(STILL_ELIGIBLE, [workflowId, ids, cap, user.id]);
      const assigned = eligible.map((row) => row.subject_id);
      if (!assigned.length) return [];
      await manager.query(ASSIGN, [workflowId, user.id, assigned, this.config.assignmentTtlSeconds]);
      return (await manager.query(SUBJECTS_BY_ID, [assigned])) as SubjectRow[];
    });
    if (rows.length) {
      const subjects = rows.map((row) => ({ id: row.id, externalId: row.external_id, locations: row.locations, metadata: publicMetadata(row.metadata) }));
      return { ...base, subjects, finished: false };
    }
    return { ...base, ...(await this.nothingToServe(workflowId, user)) };
  }

  private async nothingToServe(workflowId: string, user: AuthUser): Promise<Pick<QueueView, 'subjects' | 'finished' | 'reason' | 'retryAfterSeconds'>> {
    const [{ unretired, unseen }] = await this.db.query(REMAINING, [workflowId, user.id]);
    if (!unretired) return { subjects: [], finished: true, reason: 'workflow-finished' };
    if (!unseen) return { subjects: [], finished: true, reason: 'seen-everything' };
    return { subjects: [], finished: false, retryAfterSeconds: 30 };
  }
}
