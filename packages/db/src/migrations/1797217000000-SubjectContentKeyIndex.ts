import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

// A passage's content key once per project (a corpus sent again finds its passages by it). Partial: every subject
// stored before has none, but a plain build would still read all of `subjects` while every read and write of it waits.
const INDEXES: IndexBuilt[] = [['subjects_project_content_key_key', 'subjects', '("project_id", "content_key") WHERE content_key IS NOT NULL', 'unique']];

/** The unique index of passages' content keys, built concurrently so that the queue and submits go on meanwhile. */
export class SubjectContentKeyIndex1797217000000 implements MigrationInterface {
  name = 'SubjectContentKeyIndex1797217000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
