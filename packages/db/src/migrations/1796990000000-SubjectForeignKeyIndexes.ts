import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  ['classifications_subject_idx', 'classifications', '("subject_id")'],
  ['consensus_subject_idx', 'consensus', '("subject_id")'],
  ['subject_workflow_status_subject_idx', 'subject_workflow_status', '("subject_id")'],
];

/**
 * Deleting a subject (its set deleted) makes Postgres look for the rows that refer to it, one subject at a time:
 * without an index on `subject_id` each look reads the whole table. Built concurrently, so that a project with
 * millions of classifications keeps taking them while it builds.
 */
export class SubjectForeignKeyIndexes1796990000000 implements MigrationInterface {
  name = 'SubjectForeignKeyIndexes1796990000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
