import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Talk's boards: a project's boards and their titled discussions (new, empty tables), whose comments are
 * `subject_comments` rows with a `board_discussion_id` in place of a subject (the column nullable, no default: no
 * rewrite), and whose follows are `discussion_follows` rows the same way. A board with discussions cannot be deleted
 * (RESTRICT): one started while its board's delete reads it empty makes the delete fail, rather than vanish with it.
 * An earlier release's API misreads a comment with no subject (its search, reported comments, comments download, a
 * comment shown again and an edit): every API process runs this release before a board is made, and once a board
 * comment exists, going back to an earlier release is unsafe (`down` deletes the boards' discussions and comments). The new constraints are added NOT VALID
 * (no scan under this transaction's lock) and validated by the next migration, outside a transaction.
 */
export class ProjectBoards1798020000000 implements MigrationInterface {
  name = 'ProjectBoards1798020000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"project_boards\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"title\" character varying(100) NOT NULL, \"description\" character varying(1000) NOT NULL DEFAULT '', \"position\" integer NOT NULL, \"archived_at\" TIMESTAMP WITH TIME ZONE, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_dbfaf96d2b4448a072fa3008962\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"project_boards_project_idx\" ON \"project_boards\"  (\"project_id\", \"position\", \"id\") ");
    await queryRunner.query("CREATE TABLE \"board_discussions\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"board_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"title\" character varying(200) NOT NULL, \"last_comment_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_ce7f4c21696795c9b5c048d8243\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"board_discussions_project_idx\" ON \"board_discussions\"  (\"project_id\") ");
    await queryRunner.query("CREATE INDEX \"board_discussions_user_idx\" ON \"board_discussions\"  (\"user_id\") ");
    await queryRunner.query("CREATE INDEX \"board_discussions_board_recent_idx\" ON \"board_discussions\"  (\"board_id\", \"last_comment_at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"project_boards\" ADD CONSTRAINT \"FK_cdf6eaadac68092c6e510f9767e\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"board_discussions\" ADD CONSTRAINT \"FK_9951f606110f37faad4c73afc8a\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"board_discussions\" ADD CONSTRAINT \"FK_32d42450b6c76117b31a7b194f5\" FOREIGN KEY (\"board_id\") REFERENCES \"project_boards\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"board_discussions\" ADD CONSTRAINT \"FK_e9a1981cf91943e31a73deae06c\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD \"board_discussion_id\" uuid");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ALTER COLUMN \"subject_id\" DROP NOT NULL");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD CONSTRAINT \"FK_ab356418bd486f35b7f2f456014\" FOREIGN KEY (\"board_discussion_id\") REFERENCES \"board_discussions\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION NOT VALID");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD CONSTRAINT \"subject_comments_one_discussion\" CHECK (num_nonnulls(subject_id, board_discussion_id) = 1) NOT VALID");
    await queryRunner.query("ALTER TABLE \"subject_comment_deletions\" ADD \"board_discussion_id\" uuid");
    await queryRunner.query("ALTER TABLE \"subject_comment_deletions\" ALTER COLUMN \"subject_id\" DROP NOT NULL");
    await queryRunner.query("ALTER TABLE \"discussion_follows\" ADD \"board_discussion_id\" uuid");
    await queryRunner.query("ALTER TABLE \"discussion_follows\" ADD CONSTRAINT \"discussion_follows_board_discussion_fkey\" FOREIGN KEY (\"board_discussion_id\") REFERENCES \"board_discussions\"(\"id\") ON DELETE CASCADE NOT VALID");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM "discussion_follows" WHERE "board_discussion_id" IS NOT NULL');
    await queryRunner.query('ALTER TABLE "discussion_follows" DROP COLUMN "board_discussion_id"');
    await queryRunner.query('DELETE FROM "subject_comment_deletions" WHERE "board_discussion_id" IS NOT NULL');
    await queryRunner.query('ALTER TABLE "subject_comment_deletions" ALTER COLUMN "subject_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "subject_comment_deletions" DROP COLUMN "board_discussion_id"');
    await queryRunner.query('DELETE FROM "subject_comments" WHERE "board_discussion_id" IS NOT NULL');
    await queryRunner.query('ALTER TABLE "subject_comments" DROP CONSTRAINT "subject_comments_one_discussion"');
    await queryRunner.query('ALTER TABLE "subject_comments" ALTER COLUMN "subject_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "subject_comments" DROP COLUMN "board_discussion_id"');
    await queryRunner.query('DROP TABLE "board_discussions"');
    await queryRunner.query('DROP TABLE "project_boards"');
  }
}
