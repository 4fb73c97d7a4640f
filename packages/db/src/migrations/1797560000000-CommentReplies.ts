import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Talk's replies and notifications: the comment a comment answers (`subject_comments.reply_to`, nullable, no default:
 * no rewrite of the table), and the volunteers told of a comment (`comment_notifications`, a new table, empty).
 */
export class CommentReplies1797560000000 implements MigrationInterface {
  name = 'CommentReplies1797560000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"comment_notifications\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"comment_id\" uuid NOT NULL, \"kind\" character varying(16) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"read_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_6a48e77e54d8bfb0ad4ecc984b5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"comment_notifications_comment_user_key\" ON \"comment_notifications\"  (\"comment_id\", \"user_id\") ");
    await queryRunner.query("CREATE INDEX \"comment_notifications_unread_idx\" ON \"comment_notifications\"  (\"user_id\") WHERE read_at IS NULL");
    await queryRunner.query("CREATE INDEX \"comment_notifications_user_recent_idx\" ON \"comment_notifications\"  (\"user_id\", \"created_at\", \"id\") ");
    await queryRunner.query("ALTER TABLE \"subject_comments\" ADD \"reply_to\" uuid");
    await queryRunner.query("ALTER TABLE \"comment_notifications\" ADD CONSTRAINT \"FK_41dc3335c1e03356571ccff5061\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"comment_notifications\" ADD CONSTRAINT \"FK_3a45cac79e1d573f0dafe974c29\" FOREIGN KEY (\"comment_id\") REFERENCES \"subject_comments\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"comment_notifications\" DROP CONSTRAINT \"FK_3a45cac79e1d573f0dafe974c29\"");
    await queryRunner.query("ALTER TABLE \"comment_notifications\" DROP CONSTRAINT \"FK_41dc3335c1e03356571ccff5061\"");
    await queryRunner.query("ALTER TABLE \"subject_comments\" DROP COLUMN \"reply_to\"");
    await queryRunner.query("DROP INDEX \"public\".\"comment_notifications_user_recent_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"comment_notifications_unread_idx\"");
    await queryRunner.query("DROP INDEX \"public\".\"comment_notifications_comment_user_key\"");
    await queryRunner.query("DROP TABLE \"comment_notifications\"");
  }
}
