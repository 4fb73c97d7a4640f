import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The refusals kept for retries of `POST /account/api-keys` (409 `api-key-already-made`, naming the key made) before
 * keys had scopes name none, which the answer now requires: each is given `full`, what every key made then is. Replies are
 * kept a day, so this matters to a Chorus upgraded within a day of a key made with an `Idempotency-Key`.
 */
export class ApiKeyRepliesScoped1797390000000 implements MigrationInterface {
  name = 'ApiKeyRepliesScoped1797390000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "idempotent_requests" SET "response" = jsonb_set("response", '{refusal,apiKey,scope}', '"full"')
       WHERE "response" -> 'refusal' ->> 'type' = 'urn:chorus:problem:api-key-already-made'
         AND jsonb_typeof("response" -> 'refusal' -> 'apiKey') = 'object' AND NOT ("response" -> 'refusal' -> 'apiKey') ? 'scope'`,
    );
  }

  async down(): Promise<void> {
    // Left with their scope: an older Chorus answers it as well.
  }
}
