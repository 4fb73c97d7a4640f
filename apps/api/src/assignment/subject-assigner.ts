import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@chorus/db';
import type { SubjectLocation } from '@chorus/tasks';
import type { DataSource, EntityManager } from 'typeorm';
import { GroupCommit } from '../common/group-commit';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ASSIGN_STILL_ELIGIBLE, type PickKind, pickSql } from './queue-sql';

/** Subjects wanted by one volunteer from one source, in one step of building their batch. */
export interface Take {
  workflowId: string;
  userId: string;
  /** The most volunteers a subject may be outstanding with; null for no cap. */
  cap: number | null;
  kind: PickKind;
  count: number;
  /** The subject set of a `set` or `training` take. */
  setId?: string;
  /** Leave out gold-standard subjects (the regular picks of a workflow that serves them only at gold-standard slots). */
  withoutGold: boolean;
}

export interface SubjectRow {
  id: string;
  external_id: string | null;
  locations: SubjectLocation[];
  metadata: Record<string, unknown>;
}

interface Picked {
  take: number;
  subject_id: string;
  ord: string;
}

/**
 * Picks and assigns subjects for the takes of concurrent queue requests together (a group commit): one
 * transaction per batch, one locked pick per kind of take and one assigning statement, so round trips and commits
 * grow with batches, not with requests. Every subject a take returns is an outstanding assignment of its volunteer,
 * committed before the take answers.
 */
@Injectable()
export class SubjectAssigner {
  private readonly batches = new GroupCommit((takes: Take[]) => this.assign(takes), { maxBatch: 50, maxBatchesAtOnce: 2 });

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Up to `take.count` subjects, assigned to the volunteer, in serving order. */
  take(take: Take): Promise<SubjectRow[]> {
    return take.count > 0 ? this.batches.submit(take) : Promise.resolve([]);
  }

  private assign(takes: Take[]): Promise<SubjectRow[][]> {
    return this.db.transaction(async (manager) => {
      const picked = await this.pick(manager, takes);
      if (!picked.length) return takes.map(() => []);
      const assigned = await preparedQuery<SubjectRow & { workflow_id: string; user_id: string }>(manager, ASSIGN_STILL_ELIGIBLE, [
        picked.map((row) => row.take),
        picked.map((row) => takes[row.take]!.workflowId),
        picked.map((row) => takes[row.take]!.userId),
        picked.map((row) => row.subject_id),
        picked.map((row) => takes[row.take]!.cap),
        this.config.assignmentTtlSeconds,
      ]);
      // Each assigned subject goes to the first of its volunteer's takes that picked it (picks are in take order).
      const keyOf = (workflowId: string, userId: string, subjectId: string) => `${workflowId}:${userId}:${subjectId}`;
      const unserved = new Map(assigned.map(({ workflow_id, user_id, ...subject }) => [keyOf(workflow_id, user_id, subject.id), subject]));
      const served: SubjectRow[][] = takes.map(() => []);
      for (const row of picked) {
        const take = takes[row.take]!;
        const key = keyOf(take.workflowId, take.userId, row.subject_id);
        const subject = unserved.get(key);
        if (!subject) continue;
        served[row.take]!.push(subject);
        unserved.delete(key);
      }
      return served;
    });
  }

  /** The locked picks of every take, grouped by take and in serving order. */
  private async pick(manager: EntityManager, takes: Take[]): Promise<Picked[]> {
    const picked: Picked[] = [];
    for (const kind of new Set(takes.map((take) => take.kind))) {
      const group = takes.flatMap((take, index) => (take.kind === kind ? [{ take, index }] : []));
      picked.push(
        ...(await preparedQuery<Picked>(manager, pickSql(kind), [
          group.map(({ index }) => index),
          group.map(({ take }) => take.workflowId),
          group.map(({ take }) => take.userId),
          group.map(({ take }) => take.cap),
          group.map(({ take }) => take.count),
          group.map(() => Math.random()),
          group.map(({ take }) => take.setId ?? null),
          group.map(({ take }) => take.withoutGold),
        ])),
      );
    }
    return picked.sort((a, b) => a.take - b.take || Number(a.ord) - Number(b.ord));
  }
}
