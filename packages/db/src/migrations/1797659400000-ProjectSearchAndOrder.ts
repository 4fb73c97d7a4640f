import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // The project list's keyset order (newest first, the id breaking ties), read backwards: a page is the next rows of
  // it from the cursor on, not a sort of every project.
  ['projects_created_idx', 'projects', '("created_at", "id")'],
];

/**
 * `unaccent`, which the project search reads titles and slugs through (a trusted extension: the database's owner
 * may create it, no superuser needed), and the list's index, built concurrently: projects keep being made meanwhile.
 */
export class ProjectSearchAndOrder1797659400000 implements MigrationInterface {
  name = 'ProjectSearchAndOrder1797659400000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  /** The extension stays: it may have been there before, for others' use. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
