import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A project's comment reports by when each last changed (made, made again, or dismissed): a since= comments download
  // reads those changed after its moment, where `comment_reports_project_idx` (by creation) would give every report.
  ['comment_reports_project_changed_idx', 'comment_reports', '("project_id", (greatest("reported_at", "dismissed_at")))'],
];

/** Built concurrently: volunteers report comments, and moderators dismiss reports, meanwhile. */
export class CommentReportsChanged1797653000000 implements MigrationInterface {
  name = 'CommentReportsChanged1797653000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
  }
}
