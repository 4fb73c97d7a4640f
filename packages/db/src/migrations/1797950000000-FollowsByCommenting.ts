import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The follows of discussions become the one place that says who follows one: a comment stores its author's follow
 * (`chosen` false: through commenting, which a moderator's hiding of all their comments there takes away), rather than
 * each new comment reading every earlier one of its discussion. `chosen` true for the rows there already (volunteers'
 * own choices); then, a batch of comments at a time, a follow for each account that commented in a discussion and
 * whose comment there is not hidden, unless it already made its choice there (to stop still wins). Outside a
 * transaction, so that the column's lock is let go at once and each batch commits alone; a constant default (no
 * rewrite of the table), and each step may be run again (`IF NOT EXISTS`, `ON CONFLICT`). The comments an API of the
 * earlier release stores meanwhile get no follow: README's upgrade notes give the statement that catches them up.
 */
export class FollowsByCommenting1797950000000 implements MigrationInterface {
  name = 'FollowsByCommenting1797950000000';
  transaction = false as const;
  /** The comments read a batch at a time (a test makes it small, to cross batches). */
  static batch = 5000;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "discussion_follows" ADD COLUMN IF NOT EXISTS "chosen" boolean NOT NULL DEFAULT true');
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const [{ last }]: { last: string | null }[] = await queryRunner.query(
        `WITH batch AS (SELECT id, project_id, subject_id, user_id, hidden_at FROM subject_comments WHERE id > $1 ORDER BY id LIMIT $2),
          followed AS (
            INSERT INTO discussion_follows (project_id, subject_id, user_id, following, chosen)
            SELECT DISTINCT b.project_id, b.subject_id, b.user_id, true, false FROM batch b JOIN users u ON u.id = b.user_id AND u.kind = 'registered' WHERE b.hidden_at IS NULL
            ON CONFLICT (project_id, subject_id, user_id) DO NOTHING)
        SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last`,
        [after, FollowsByCommenting1797950000000.batch],
      );
      if (last === null) return;
      after = last;
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM "discussion_follows" WHERE NOT "chosen"');
    await queryRunner.query('ALTER TABLE "discussion_follows" DROP COLUMN IF EXISTS "chosen"');
  }
}
