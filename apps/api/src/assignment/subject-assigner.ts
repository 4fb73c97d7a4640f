import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery } from '@chorus/db';
import type { DataSource } from 'typeorm';
import { GroupCommit } from '../common/group-commit';
import type { ServedSubjectRow } from '../common/subject-view';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type PickKind, pickAndAssignSql } from './queue-sql';

/** How many volunteers may have counted or hold a subject (`HOLDERS_AT_MOST` in queue-sql.ts says how the two combine). */
export interface HolderLimit {
  /** The most classifications a subject can ever need. */
  cap: number;
  /** The fewest counted classifications at which the rule could retire a subject. */
  earliest: number;
}

/** Subjects wanted by one volunteer from one source, in one step of building their batch. */
export interface Take {
  workflowId: string;
  userId: string;
  /** How many volunteers a subject may have counted or be outstanding with, from the retirement rule. */
  holders: HolderLimit;
  kind: PickKind;
  count: number;
  /** The subject set of a `set` or `training` take. */
  setId?: string;
  /** Leave out gold-standard subjects (the regular picks of a workflow that serves them only at gold-standard slots). */
  withoutGold: boolean;
  /** Leave out the subjects the volunteer reported (asked only for those who reported any in the workflow). */
  withoutReported: boolean;
}

/** An assigned subject, with the take that picked it. */
interface Assigned extends ServedSubjectRow {
  take: number;
}

/**
 * Picks and assigns subjects for the takes of concurrent queue requests together (a group commit): a batch is one
 * statement, which picks with row locks and assigns what is still eligible, so round trips and commits grow with
 * batches, not with requests. Each kind of take has its batches, so a batch assigns for all its takes or, failing,
 * for none (and its takes are then tried one by one); the takes of volunteers who reported subjects have batches of
 * their own, whose statement leaves those out, so that everyone else's statement probes no reports. Every subject a
 * take returns is an outstanding assignment of its volunteer, committed before the take answers.
 */
@Injectable()
export class SubjectAssigner {
  /** By statement: the kind of take, and whether it leaves out reported subjects. */
  private readonly batches = new Map<string, GroupCommit<Take, ServedSubjectRow[]>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Up to `take.count` subjects, assigned to the volunteer, in serving order. */
  take(take: Take): Promise<ServedSubjectRow[]> {
    return take.count > 0 ? this.batchesOf(take.kind, take.withoutReported).submit(take) : Promise.resolve([]);
  }

  private batchesOf(kind: PickKind, withoutReported: boolean): GroupCommit<Take, ServedSubjectRow[]> {
    const key = `${kind}:${withoutReported}`;
    let batches = this.batches.get(key);
    if (!batches) {
      const sql = pickAndAssignSql(kind, withoutReported);
      batches = new GroupCommit((takes: Take[]) => this.assign(sql, takes), { maxBatch: 50, maxBatchesAtOnce: 2 });
      this.batches.set(key, batches);
    }
    return batches;
  }

  private async assign(sql: string, takes: Take[]): Promise<ServedSubjectRow[][]> {
    const served: ServedSubjectRow[][] = takes.map(() => []);
    // A subject that two takes of one volunteer picked goes to the first of them (rows come in take order).
    const given = new Set<string>();
    for (const { take: index, ...subject } of await this.pickAndAssign(sql, takes)) {
      const key = `${takes[index]!.workflowId}:${takes[index]!.userId}:${subject.id}`;
      if (given.has(key)) continue;
      given.add(key);
      served[index]!.push(subject);
    }
    return served;
  }

  /** The subjects assigned to the takes, by take and serving order. */
  private pickAndAssign(sql: string, takes: Take[]): Promise<Assigned[]> {
    return preparedQuery<Assigned>(this.db, sql, [
      takes.map((_, index) => index),
      takes.map((take) => take.workflowId),
      takes.map((take) => take.userId),
      takes.map((take) => take.holders.cap),
      takes.map((take) => take.count),
      takes.map(() => Math.random()),
      takes.map((take) => take.setId ?? null),
      takes.map((take) => take.withoutGold),
      takes.map((take) => take.holders.earliest),
      this.config.assignmentTtlSeconds,
    ]);
  }
}
