import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A project's externalIds in natural order (the results' `sort=externalId`, the consensus download's): the unique
  // key stays under the database's collation, which every lookup by externalId (uploads, retiring) uses.
  ['subjects_external_id_natural_idx', 'subjects', '("project_id", "external_id" COLLATE "natural_order") WHERE external_id IS NOT NULL'],
];

/**
 * `natural_order`: text with the numbers in it compared as numbers ("letter-2-page-10" after "letter-2-page-9"), by
 * ICU's root collation with numeric ordering. Deterministic (ties broken byte by byte), so that a keyset cursor's `>`
 * and `=` agree with the order, and the index can be built on it.
 */
export class NaturalOrder1797349000000 implements MigrationInterface {
  name = 'NaturalOrder1797349000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE COLLATION IF NOT EXISTS "natural_order" (provider = icu, locale = 'und-u-kn-true', deterministic = true)`);
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('DROP COLLATION IF EXISTS "natural_order"');
  }
}
