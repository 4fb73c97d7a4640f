import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A workflow's answers that proposed tags, the most recent first (its tag proposals, for moderators): without it a
  // page read every classification of the workflow. Only answers that added a tag are in it.
  ['classifications_tag_proposals_idx', 'classifications', `("workflow_id", "created_at", "id") WHERE jsonb_path_exists(annotations, '$[*].value.add[0]')`],
];

/** The index of a workflow's tag proposals, built concurrently: the workflow keeps taking classifications meanwhile. */
export class TagProposalsIndex1797180000000 implements MigrationInterface {
  name = 'TagProposalsIndex1797180000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
