import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People are told when a workflow is complete: a notification of a new kind (`workflow-complete`) beside those of
 * comments, naming its workflow, which completion (its `completed_at` then) and how many subjects were done, with no
 * comment; the mails of them owed (`completion_mail_deliveries`, one row per notification, taken a batch at a time by
 * the API, as `news_deliveries` are); and whether an account is mailed of them: as one of a project's researchers (on,
 * as every account starts: the mail tells them their downloads are final), or as a volunteer who classified in the
 * workflow (off until asked for). Nullable columns, constant defaults, a wider varchar and a foreign key not yet
 * validated (the next migration validates it, and builds its index, concurrently): no rewrite of either table.
 * Completion mails, which may be many at once, are sent after account mails, as news and discussion mails are: the
 * outbox's order (`mail_outbox_chosen_last_idx`, on a table of mails not yet sent, small) counts them among those.
 * Whether each notification was given as one of the project's team (`team`), read back by its mail and page. Old
 * workflows are not announced: each already finished or complete (`isComplete` of workflow-progress.ts, as it is today,
 * in SQL) whose completion is not recorded yet (the worker recorded only those that weigh by skill) is marked
 * `completion_untold`, and the worker records that completion telling nobody.
 */
const ALREADY_COMPLETE = `w.completed_at IS NULL AND w.status <> 'draft' AND (w.status = 'finished' OR (
  EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id)
  AND NOT EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = w.id AND st.retired_at IS NULL AND NOT st.gold_standard)
  AND NOT EXISTS (SELECT 1 FROM workflows f JOIN workflow_versions v ON v.workflow_id = f.id AND v.version = f.version
    WHERE f.project_id = w.project_id AND f.id <> w.id AND f.status IN ('active', 'paused')
      AND EXISTS (SELECT 1 FROM workflow_subject_sets ws WHERE ws.workflow_id = w.id
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(v.definition -> 'effects') effect WHERE lower(effect ->> 'addToSubjectSet') = ws.subject_set_id::text))
      AND EXISTS (SELECT 1 FROM subject_workflow_status st WHERE st.workflow_id = f.id AND st.retired_at IS NULL AND NOT st.gold_standard))))`;

export class WorkflowCompleteNotifications1797970000000 implements MigrationInterface {
  name = 'WorkflowCompleteNotifications1797970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "completion_mails" boolean NOT NULL DEFAULT true');
    await queryRunner.query('ALTER TABLE "users" ADD "volunteer_completion_mails" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "comment_notifications" ADD "workflow_id" uuid');
    await queryRunner.query('ALTER TABLE "comment_notifications" ADD "completed_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "comment_notifications" ADD "subjects_done" integer');
    await queryRunner.query('ALTER TABLE "comment_notifications" ADD "team" boolean');
    await queryRunner.query('ALTER TABLE "workflows" ADD "completion_untold" boolean NOT NULL DEFAULT false');
    await queryRunner.query(`UPDATE "workflows" w SET "completion_untold" = true WHERE ${ALREADY_COMPLETE}`);
    await queryRunner.query('ALTER TABLE "comment_notifications" ALTER COLUMN "comment_id" DROP NOT NULL');
    await queryRunner.query('ALTER TABLE "comment_notifications" ALTER COLUMN "kind" TYPE character varying(24)');
    await queryRunner.query(
      'ALTER TABLE "comment_notifications" ADD CONSTRAINT "FK_630501ae4d416fda4c2aa7e74f2" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE NO ACTION NOT VALID',
    );
    await queryRunner.query(`CREATE TABLE "completion_mail_deliveries" (
      "notification_id" uuid NOT NULL REFERENCES "comment_notifications"("id") ON DELETE CASCADE,
      CONSTRAINT "completion_mail_deliveries_pkey" PRIMARY KEY ("notification_id"))`);
    await queryRunner.query('DROP INDEX "mail_outbox_chosen_last_idx"');
    await queryRunner.query(`CREATE INDEX "mail_outbox_chosen_last_idx" ON "mail_outbox" ((kind IN ('news', 'discussion', 'completion', 'volunteer-thanks')), "next_attempt_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "mail_outbox_chosen_last_idx"');
    await queryRunner.query(`CREATE INDEX "mail_outbox_chosen_last_idx" ON "mail_outbox" ((kind IN ('news', 'discussion')), "next_attempt_at")`);
    await queryRunner.query('DROP TABLE "completion_mail_deliveries"');
    await queryRunner.query(`DELETE FROM "comment_notifications" WHERE "comment_id" IS NULL`);
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP CONSTRAINT "FK_630501ae4d416fda4c2aa7e74f2"');
    await queryRunner.query('ALTER TABLE "comment_notifications" ALTER COLUMN "kind" TYPE character varying(16)');
    await queryRunner.query('ALTER TABLE "comment_notifications" ALTER COLUMN "comment_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "workflows" DROP COLUMN "completion_untold"');
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP COLUMN "team"');
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP COLUMN "subjects_done"');
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP COLUMN "completed_at"');
    await queryRunner.query('ALTER TABLE "comment_notifications" DROP COLUMN "workflow_id"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "volunteer_completion_mails"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "completion_mails"');
  }
}
