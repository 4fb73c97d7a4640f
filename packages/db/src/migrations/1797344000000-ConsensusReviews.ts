import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Researchers' reviews of a consensus, one per workflow, subject and task: approved as it was (its answer kept), or corrected (a new, empty table). */
export class ConsensusReviews1797344000000 implements MigrationInterface {
  name = 'ConsensusReviews1797344000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"consensus_reviews\" (\"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"task\" character varying(64) NOT NULL, \"state\" character varying(16) NOT NULL, \"value\" jsonb NOT NULL, \"approved_consensus\" text, \"reviewed_by\" uuid NOT NULL, \"reviewed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_dd345855bb2c577e9abd4035b7c\" PRIMARY KEY (\"workflow_id\", \"subject_id\", \"task\"), CONSTRAINT \"consensus_reviews_state\" CHECK (state IN ('approved', 'corrected')))");
    await queryRunner.query("CREATE INDEX \"consensus_reviews_subject_idx\" ON \"consensus_reviews\"  (\"subject_id\") ");
    await queryRunner.query("ALTER TABLE \"consensus_reviews\" ADD CONSTRAINT \"FK_b3c3970ff4b65cbb1b13db26acb\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"consensus_reviews\" ADD CONSTRAINT \"FK_cc01a9bed990257b101cc64c07f\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"consensus_reviews\" DROP CONSTRAINT \"FK_cc01a9bed990257b101cc64c07f\"");
    await queryRunner.query("ALTER TABLE \"consensus_reviews\" DROP CONSTRAINT \"FK_b3c3970ff4b65cbb1b13db26acb\"");
    await queryRunner.query("DROP INDEX \"public\".\"consensus_reviews_subject_idx\"");
    await queryRunner.query("DROP TABLE \"consensus_reviews\"");
  }
}
