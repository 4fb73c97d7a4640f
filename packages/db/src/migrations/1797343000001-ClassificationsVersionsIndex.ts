import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's counted classifications by version (its tries in draft left out), so that the versions view counts
  // them with an index-only scan rather than reading every classification's row.
  ['classifications_versions_idx', 'classifications', '("workflow_id", "workflow_version") WHERE NOT made_in_draft'],
];

/** The versions view's index, built concurrently (every submit writes classifications). */
export class ClassificationsVersionsIndex1797343000001 implements MigrationInterface {
  name = 'ClassificationsVersionsIndex1797343000001';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
