import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `tidyExternalId` as this migration was written: a copy, so that a later change to the rule does not change what it did. */
const tidyExternalId = (id: string): string => id.normalize('NFC').replace(/^[\s\p{Default_Ignorable_Code_Point}]+|[\s\p{Default_Ignorable_Code_Point}]+$/gu, '');

const BATCH = 10_000;

/**
 * ExternalIds stored before they were read by `tidyExternalId` (composed, NFC, without direction marks at either end)
 * rewritten so: uploads, retiring and the results search now look them up so, and would miss one stored decomposed
 * (as a file saved on a Mac may send it) or with an RLM after it. One whose rewritten id another subject of its project
 * has already, or would have too (two ids that differ only so: the project has two subjects one researcher means as
 * one), is left as it is, since the project's ids are unique (`subjects_project_external_id_key`) and merging subjects
 * is a researcher's decision. Only ids with a character beyond ASCII can change. Not undone: the old forms are not kept.
 */
export class ExternalIdsComposed1797312000000 implements MigrationInterface {
  name = 'ExternalIdsComposed1797312000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ids: string[] = [];
    const tidied: string[] = [];
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const rows: { id: string; external_id: string }[] = await queryRunner.query(
        "SELECT id, external_id FROM subjects WHERE external_id ~ '[^ -~]' AND id > $1 ORDER BY id LIMIT $2",
        [after, BATCH],
      );
      for (const { id, external_id } of rows) {
        const tidy = tidyExternalId(external_id);
        if (tidy === external_id || tidy === '') continue;
        ids.push(id);
        tidied.push(tidy);
      }
      if (rows.length < BATCH) break;
      after = rows.at(-1)!.id;
    }
    if (!ids.length) return;
    await queryRunner.query('CREATE TEMPORARY TABLE tidied_external_ids AS SELECT t.id, t.external_id, s.project_id FROM unnest($1::uuid[], $2::text[]) AS t(id, external_id) JOIN subjects s ON s.id = t.id', [ids, tidied]);
    await queryRunner.query(
      `UPDATE subjects s SET external_id = t.external_id FROM tidied_external_ids t
       WHERE s.id = t.id
         AND NOT EXISTS (SELECT 1 FROM subjects other WHERE other.project_id = t.project_id AND other.external_id = t.external_id)
         AND NOT EXISTS (SELECT 1 FROM tidied_external_ids twin WHERE twin.project_id = t.project_id AND twin.external_id = t.external_id AND twin.id <> t.id)`,
    );
    await queryRunner.query('DROP TABLE tidied_external_ids');
  }

  async down(): Promise<void> {
    // The old forms are not kept; the rewritten ids are the same ids.
  }
}
