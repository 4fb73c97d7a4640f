import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For `since=` comments downloads: when each comment last changed (`subject_comments.updated_at`), filled for those
 * before with the latest time they keep (posted, edited, hidden: a comment shown again kept no time of it), read by
 * `subject_comments_project_changed_idx`; and the comments deleted (`subject_comment_deletions`), for their tombstones,
 * a new table, empty (deletions before it are not known). Built in the migration's transaction: the column's fill
 * rewrites every comment anyway, so an index built concurrently after it would spare writers nothing.
 */
export class CommentsUpdatedAt1797500000000 implements MigrationInterface {
  name = 'CommentsUpdatedAt1797500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_comments" ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()');
    await queryRunner.query('UPDATE subject_comments SET updated_at = greatest(created_at, edited_at, hidden_at)');
    await queryRunner.query('CREATE INDEX "subject_comments_project_changed_idx" ON "subject_comments" ("project_id", "updated_at", "id") ');
    await queryRunner.query("CREATE TABLE \"subject_comment_deletions\" (\"comment_id\" uuid NOT NULL, \"project_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"external_id\" text, \"deleted_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_c8cc543aba991223b3e77ce6ba0\" PRIMARY KEY (\"comment_id\"))");
    await queryRunner.query('CREATE INDEX "subject_comment_deletions_project_idx" ON "subject_comment_deletions" ("project_id", "deleted_at") ');
    await queryRunner.query('ALTER TABLE "subject_comment_deletions" ADD CONSTRAINT "FK_f80213375996cf2716fadd356cf" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "subject_comment_deletions" DROP CONSTRAINT "FK_f80213375996cf2716fadd356cf"');
    await queryRunner.query('DROP INDEX "public"."subject_comment_deletions_project_idx"');
    await queryRunner.query('DROP TABLE "subject_comment_deletions"');
    await queryRunner.query('DROP INDEX "public"."subject_comments_project_changed_idx"');
    await queryRunner.query('ALTER TABLE "subject_comments" DROP COLUMN "updated_at"');
  }
}
