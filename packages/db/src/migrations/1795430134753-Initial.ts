import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795430134753 implements MigrationInterface {
  name = 'Initial1795430134753';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"users\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"kind\" character varying(16) NOT NULL, \"email\" character varying(320), \"display_name\" character varying(100) NOT NULL, \"password_hash\" character varying(200), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_a3ffb1c0c8416b9fc6f907b7433\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"users_email_key\" ON \"users\"  (\"email\") WHERE email IS NOT NULL");
    await queryRunner.query("CREATE TABLE \"projects\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"slug\" character varying(100) NOT NULL, \"title\" character varying(200) NOT NULL, \"description\" text NOT NULL DEFAULT '', \"field_guide\" text NOT NULL DEFAULT '', \"status\" character varying(16) NOT NULL DEFAULT 'draft', \"owner_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"UQ_96e045ab8b0271e5f5a91eae1ee\" UNIQUE (\"slug\"), CONSTRAINT \"PK_6271df0a7aed1d6c0691ce6ac50\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"project_members\" (\"project_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"role\" character varying(16) NOT NULL, CONSTRAINT \"PK_b3f491d3a3f986106d281d8eb4b\" PRIMARY KEY (\"project_id\", \"user_id\"))");
    await queryRunner.query("CREATE TABLE \"subject_sets\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"name\" character varying(200) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_effaf01307e24db48bc7344e756\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"subjects\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"locations\" jsonb NOT NULL, \"metadata\" jsonb NOT NULL DEFAULT '{}', \"external_id\" character varying(500), \"gold_standard\" jsonb, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_1a023685ac2b051b4e557b0b280\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"subjects_project_external_id_key\" ON \"subjects\"  (\"project_id\", \"external_id\") WHERE external_id IS NOT NULL");
    await queryRunner.query("CREATE TABLE \"subject_set_members\" (\"subject_set_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"position\" bigint NOT NULL DEFAULT '0', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_4555e94e0136739c8d304f35076\" PRIMARY KEY (\"subject_set_id\", \"subject_id\"))");
    await queryRunner.query("CREATE INDEX \"subject_set_members_subject_idx\" ON \"subject_set_members\"  (\"subject_id\") ");
    await queryRunner.query("CREATE TABLE \"workflows\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"project_id\" uuid NOT NULL, \"name\" character varying(200) NOT NULL, \"status\" character varying(16) NOT NULL DEFAULT 'draft', \"version\" integer NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5b5757cc1cd86268019fef52e0c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"workflow_versions\" (\"workflow_id\" uuid NOT NULL, \"version\" integer NOT NULL, \"definition\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_f9a22b7289b7461ead8b15c2708\" PRIMARY KEY (\"workflow_id\", \"version\"))");
    await queryRunner.query("CREATE TABLE \"workflow_subject_sets\" (\"workflow_id\" uuid NOT NULL, \"subject_set_id\" uuid NOT NULL, CONSTRAINT \"PK_a2b8900922c550da13102c52b46\" PRIMARY KEY (\"workflow_id\", \"subject_set_id\"))");
    await queryRunner.query("CREATE TABLE \"subject_workflow_status\" (\"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"classification_count\" integer NOT NULL DEFAULT '0', \"aggregated_count\" integer NOT NULL DEFAULT '0', \"retired_at\" TIMESTAMP WITH TIME ZONE, \"retirement_reason\" character varying(32), \"retirement_detail\" jsonb, \"retired_by_classification_id\" uuid, \"priority\" double precision NOT NULL DEFAULT '0', \"random\" double precision NOT NULL DEFAULT random(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_e5f17d45f8aeabe28b606c236df\" PRIMARY KEY (\"workflow_id\", \"subject_id\"))");
    await queryRunner.query("CREATE INDEX \"subject_workflow_status_queue_idx\" ON \"subject_workflow_status\"  (\"workflow_id\", \"random\") WHERE retired_at IS NULL");
    await queryRunner.query("CREATE TABLE \"classifications\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"workflow_id\" uuid NOT NULL, \"workflow_version\" integer NOT NULL, \"subject_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"annotations\" jsonb NOT NULL, \"started_at\" TIMESTAMP WITH TIME ZONE, \"finished_at\" TIMESTAMP WITH TIME ZONE, \"metadata\" jsonb NOT NULL DEFAULT '{}', \"idempotency_key\" character varying(200) NOT NULL, \"after_retirement\" boolean NOT NULL DEFAULT false, \"gold_standard\" boolean NOT NULL DEFAULT false, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_58d976e264f75fc0ea006718856\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"classifications_user_workflow_idx\" ON \"classifications\"  (\"user_id\", \"workflow_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"classifications_idempotency_key\" ON \"classifications\"  (\"user_id\", \"idempotency_key\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"classifications_once_per_volunteer_key\" ON \"classifications\"  (\"workflow_id\", \"subject_id\", \"user_id\") ");
    await queryRunner.query("CREATE TABLE \"consensus\" (\"workflow_id\" uuid NOT NULL, \"subject_id\" uuid NOT NULL, \"task\" character varying(64) NOT NULL, \"answer\" text, \"result\" jsonb NOT NULL, \"agreement\" double precision, \"votes\" integer NOT NULL, \"algorithm\" character varying(64) NOT NULL, \"parameters\" jsonb NOT NULL DEFAULT '{}', \"computed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_6924f12fd1a7107cad10c8ff6ff\" PRIMARY KEY (\"workflow_id\", \"subject_id\", \"task\"))");
    await queryRunner.query("CREATE TABLE \"volunteer_skills\" (\"workflow_id\" uuid NOT NULL, \"user_id\" uuid NOT NULL, \"task\" character varying(64) NOT NULL, \"confusion\" jsonb NOT NULL, \"evidence\" integer NOT NULL DEFAULT '0', \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_c0022507558a5ec224c0692062b\" PRIMARY KEY (\"workflow_id\", \"user_id\", \"task\"))");
    await queryRunner.query("CREATE TABLE \"exports\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"workflow_id\" uuid NOT NULL, \"kind\" character varying(32) NOT NULL, \"format\" character varying(16) NOT NULL, \"state\" character varying(16) NOT NULL DEFAULT 'queued', \"failure_reason\" text, \"progress\" double precision NOT NULL DEFAULT '0', \"rows\" integer NOT NULL DEFAULT '0', \"requested_by\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_bcf8528d214cbfc68c01f337511\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("ALTER TABLE \"projects\" ADD CONSTRAINT \"FK_b1bd2fbf5d0ef67319c91acb5cf\" FOREIGN KEY (\"owner_id\") REFERENCES \"users\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"project_members\" ADD CONSTRAINT \"FK_b5729113570c20c7e214cf3f58d\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"project_members\" ADD CONSTRAINT \"FK_e89aae80e010c2faa72e6a49ce8\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_sets\" ADD CONSTRAINT \"FK_c3913558fad7337d163e0c2f34e\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subjects\" ADD CONSTRAINT \"FK_27110161e7e2858ca794748d1bb\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_set_members\" ADD CONSTRAINT \"FK_3bb2c89b33cf2ed08465938cb1f\" FOREIGN KEY (\"subject_set_id\") REFERENCES \"subject_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_set_members\" ADD CONSTRAINT \"FK_58cbc0c6ebe457ab13d1610ec89\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"workflows\" ADD CONSTRAINT \"FK_376276dcfa299f6483d37c83ccb\" FOREIGN KEY (\"project_id\") REFERENCES \"projects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"workflow_versions\" ADD CONSTRAINT \"FK_535cc897570fe88cb9733411ecc\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"workflow_subject_sets\" ADD CONSTRAINT \"FK_241060190df72da8161c90f269f\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"workflow_subject_sets\" ADD CONSTRAINT \"FK_4bf0c475d4f96bd33f5d5f46c48\" FOREIGN KEY (\"subject_set_id\") REFERENCES \"subject_sets\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" ADD CONSTRAINT \"FK_9a42d02f0087ccb82597b6eaa7d\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" ADD CONSTRAINT \"FK_2cefe64290ae8f6ca14ee1bd74f\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"classifications\" ADD CONSTRAINT \"FK_0605d28165e44e5508160e14dba\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"classifications\" ADD CONSTRAINT \"FK_288afd85847d33d0796eb7e3fdc\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"classifications\" ADD CONSTRAINT \"FK_3107635d715f24cc8b697481c9b\" FOREIGN KEY (\"user_id\") REFERENCES \"users\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"consensus\" ADD CONSTRAINT \"FK_01e6d1d7a78c1d9fd77ae9a490a\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"consensus\" ADD CONSTRAINT \"FK_65668f2fb01850754c107775112\" FOREIGN KEY (\"subject_id\") REFERENCES \"subjects\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"volunteer_skills\" ADD CONSTRAINT \"FK_78b3f3a98d28d51e341decb919f\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"exports\" ADD CONSTRAINT \"FK_7ef391cc2b388db0534b008c7cc\" FOREIGN KEY (\"workflow_id\") REFERENCES \"workflows\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"exports\" DROP CONSTRAINT \"FK_7ef391cc2b388db0534b008c7cc\"");
    await queryRunner.query("ALTER TABLE \"volunteer_skills\" DROP CONSTRAINT \"FK_78b3f3a98d28d51e341decb919f\"");
    await queryRunner.query("ALTER TABLE \"consensus\" DROP CONSTRAINT \"FK_65668f2fb01850754c107775112\"");
    await queryRunner.query("ALTER TABLE \"consensus\" DROP CONSTRAINT \"FK_01e6d1d7a78c1d9fd77ae9a490a\"");
    await queryRunner.query("ALTER TABLE \"classifications\" DROP CONSTRAINT \"FK_3107635d715f24cc8b697481c9b\"");
    await queryRunner.query("ALTER TABLE \"classifications\" DROP CONSTRAINT \"FK_288afd85847d33d0796eb7e3fdc\"");
    await queryRunner.query("ALTER TABLE \"classifications\" DROP CONSTRAINT \"FK_0605d28165e44e5508160e14dba\"");
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" DROP CONSTRAINT \"FK_2cefe64290ae8f6ca14ee1bd74f\"");
    await queryRunner.query("ALTER TABLE \"subject_workflow_status\" DROP CONSTRAINT \"FK_9a42d02f0087ccb82597b6eaa7d\"");
    await queryRunner.query("ALTER TABLE \"workflow_subject_sets\" DROP CONSTRAINT \"FK_4bf0c475d4f96bd33f5d5f46c48\"");
    await queryRunner.query("ALTER TABLE \"workflow_subject_sets\" DROP CONSTRAINT \"FK_241060190df72da8161c90f269f\"");
    await queryRunner.query("ALTER TABLE \"workflow_versions\" DROP CONSTRAINT \"FK_535cc897570fe88cb9733411ecc\"");
    await queryRunner.query("ALTER TABLE \"workflows\" DROP CONSTRAINT \"FK_376276dcfa299f6483d37c83ccb\"");
    await queryRunner.query("ALTER TABLE \"subject_set_members\" DROP CONSTRAINT \"FK_58cbc0c6ebe457ab13d1610ec89\"");
    await queryRunner.query("ALTER TABLE \"subject_set_members\" DROP CONSTRAINT \"FK_3bb2c89b33cf2ed08465938cb1f\"");
    await queryRunner.query("ALTER TABLE \"subjects\" DROP CONSTRAINT \"FK_27110161e7e2858ca794748d1bb\"");
    await queryRunner.query("ALTER TABLE \"subject_sets\" DROP CONSTRAINT \"FK_c3913558fad7337d163e0c2f34e\"");
    await queryRunner.query("ALTER TABLE \"project_members\" DROP CONSTRAINT \"FK_e89aae80e010c2faa72e6a49ce8\"");
    await queryRunner.query("ALTER TABLE \"project_members\" DROP CONSTRAINT \"FK_b5729113570c20c7e214cf3f58d\"");
    await queryRunner.query("ALTER TABLE \"projects\" DROP CONSTRAINT \"FK_b1bd2fbf5d0ef67319c91acb5cf\"");
    await queryRunner.query("DROP TABLE \"exports\"");
    await queryRunner.query("DROP TABLE \"volunteer_skills\"");
    await queryRunner.query("DROP TABLE \"consensus\"");
    await queryRunner.query("DROP INDEX \"public\".\"classifications_once_per_volunteer_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"classifications_idempotency_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"classifications_user_workflow_idx\"");
    await queryRunner.query("DROP TABLE \"classifications\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_workflow_status_queue_idx\"");
    await queryRunner.query("DROP TABLE \"subject_workflow_status\"");
    await queryRunner.query("DROP TABLE \"workflow_subject_sets\"");
    await queryRunner.query("DROP TABLE \"workflow_versions\"");
    await queryRunner.query("DROP TABLE \"workflows\"");
    await queryRunner.query("DROP INDEX \"public\".\"subject_set_members_subject_idx\"");
    await queryRunner.query("DROP TABLE \"subject_set_members\"");
    await queryRunner.query("DROP INDEX \"public\".\"subjects_project_external_id_key\"");
    await queryRunner.query("DROP TABLE \"subjects\"");
    await queryRunner.query("DROP TABLE \"subject_sets\"");
    await queryRunner.query("DROP TABLE \"project_members\"");
    await queryRunner.query("DROP TABLE \"projects\"");
    await queryRunner.query("DROP INDEX \"public\".\"users_email_key\"");
    await queryRunner.query("DROP TABLE \"users\"");
  }
}
