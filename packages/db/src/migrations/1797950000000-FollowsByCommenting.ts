import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The follows of discussions become the one place that says who follows one: a comment stores its author's follow
 * (`chosen` false: through commenting, which a moderator's hiding of all their comments there takes away), rather than
 * each new comment reading every earlier one of its discussion. `chosen` true for the rows there already (volunteers'
 * own choices); then, a batch of comments at a time, a follow for each account that commented in a discussion and
 * whose comment there is not hidden, unless it already made its choice there (to stop still wins). A constant default:
 * no rewrite of the table.
 */
export class FollowsByCommenting1797950000000 implements MigrationInterface {
  name = 'FollowsByCommenting1797950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "discussion_follows" ADD "chosen" boolean NOT NULL DEFAULT true');
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const [{ last }]: { last: string | null }[] = await queryRunner.query(
        `WITH batch AS (SELECT id, project_id, subject_id, user_id, hidden_at FROM subject_comments WHERE id > $1 ORDER BY id LIMIT 5000),
          followed AS (
            INSERT INTO discussion_follows (project_id, subject_id, user_id, following, chosen)
            SELECT DISTINCT b.project_id, b.subject_id, b.user_id, true, false FROM batch b JOIN users u ON u.id = b.user_id AND u.kind = 'registered' WHERE b.hidden_at IS NULL
            ON CONFLICT (project_id, subject_id, user_id) DO NOTHING)
        SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last`,
        [after],
      );
      if (last === null) return;
      after = last;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM "discussion_follows" WHERE NOT "chosen"');
    await queryRunner.query('ALTER TABLE "discussion_follows" DROP COLUMN "chosen"');
  }
}
