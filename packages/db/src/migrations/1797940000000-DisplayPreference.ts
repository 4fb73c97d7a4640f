import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How the classifier shows itself to an account on every device it signs in on (`{ theme, textSize }`, `Display` of
 * @chorus/client). Null, each device as it is set, for every account there already: a nullable column, no rewrite.
 */
export class DisplayPreference1797940000000 implements MigrationInterface {
  name = 'DisplayPreference1797940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "display" jsonb');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "display"');
  }
}
