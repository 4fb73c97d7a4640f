import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@chorus/db';
import type { SubjectLocation } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import { GroupCommit } from '../common/group-commit';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type PickKind, pickAndAssignSql } from './queue-sql';

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

/** An assigned subject, with the take that picked it. */
interface Assigned extends SubjectRow {
  take: number;
}

/**
 * Picks and assigns subjects for the takes of concurrent queue requests together (a group commit): one statement per
 * kind of take in the batch, each picking with row locks and assigning what is still eligible, so round trips and
 * commits grow with batches, not with requests. Every subject a take returns is an outstanding assignment of its
 * volunteer, committed before the take answers.
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

  /**
   * Kind after kind, each statement committing before the next picks, so a later kind's picks exclude what an earlier
   * one assigned.
   */
  private async assign(takes: Take[]): Promise<SubjectRow[][]> {
    const served: SubjectRow[][] = takes.map(() => []);
    for (const kind of new Set(takes.map((take) => take.kind))) {
      // A subject that two takes of one volunteer picked goes to the first of them (rows come in take order).
      const given = new Set<string>();
      for (const { take: index, ...subject } of await this.pickAndAssign(kind, takes)) {
        const key = `${takes[index]!.workflowId}:${takes[index]!.userId}:${subject.id}`;
        if (given.has(key)) continue;
        given.add(key);
        served[index]!.push(subject);
      }
    }
    return served;
  }

  /** The subjects assigned to the takes of one kind, by take and serving order. */
  private pickAndAssign(kind: PickKind, takes: Take[]): Promise<Assigned[]> {
    const group = takes.flatMap((take, index) => (take.kind === kind ? [{ take, index }] : []));
    return preparedQuery<Assigned>(this.db, pickAndAssignSql(kind), [
      group.map(({ index }) => index),
      group.map(({ take }) => take.workflowId),
      group.map(({ take }) => take.userId),
      group.map(({ take }) => take.cap),
      group.map(({ take }) => take.count),
      group.map(() => Math.random()),
      group.map(({ take }) => take.setId ?? null),
      group.map(({ take }) => take.withoutGold),
      this.config.assignmentTtlSeconds,
    ]);
  }
}
