import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The characters that show nothing, as tags were read then (the zero-width non-joiner and joiner too). */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * `normaliseTag` as this migration was written: a copy, so that a later change to the rule does not change what it did
 * (`HiddenTagsJoinersKept1797311000000` reads the hidings it stored by it).
 */
export const renormalisedTag = (tag: string): string => tag.replace(INVISIBLE, '').normalize('NFKC').replace(INVISIBLE, '').trim().replace(/\s+/gu, ' ').toLowerCase();

/**
 * Hidden tags, and the hidings ended, stored as tags were compared before invisible characters were dropped and letters
 * read in their compatibility form (NFKC: `ｓｐａｍ` is `spam`), rewritten as `normaliseTag` then gave them (`renormalisedTag`): hiding and
 * showing again find a hiding by its stored tag, so one stored the old way (`ｓｐａｍ`, `spam` with a zero-width space)
 * could no longer be shown again, nor found by a second hiding of the same tag. Where a subject's task now has two
 * hidings of one tag, the first is kept. Only tags with a character beyond ASCII can change. Not undone: the old forms
 * are not kept.
 */
export class HiddenTagsRenormalised1797229000000 implements MigrationInterface {
  name = 'HiddenTagsRenormalised1797229000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const rows: { tag: string }[] = await queryRunner.query(
      "SELECT tag FROM hidden_tags WHERE tag ~ '[^ -~]' UNION SELECT tag FROM unhidden_tags WHERE tag ~ '[^ -~]'",
    );
    const renamed = rows.map(({ tag }) => [tag, renormalisedTag(tag)] as const).filter(([tag, normalised]) => tag !== normalised);
    if (!renamed.length) return;
    const olds = renamed.map(([tag]) => tag);
    const news = renamed.map(([, normalised]) => normalised);
    await queryRunner.query('CREATE TEMPORARY TABLE renamed_tags AS SELECT * FROM unnest($1::text[], $2::text[]) AS r(old_tag, new_tag)', [olds, news]);
    await queryRunner.query(
      `WITH ranked AS (
         SELECT h.workflow_id, h.subject_id, h.task, h.tag,
                row_number() OVER (PARTITION BY h.workflow_id, h.subject_id, h.task, coalesce(r.new_tag, h.tag) ORDER BY h.hidden_at, h.tag) AS n
         FROM hidden_tags h LEFT JOIN renamed_tags r ON r.old_tag = h.tag
       )
       DELETE FROM hidden_tags h USING ranked
       WHERE ranked.n > 1 AND (h.workflow_id, h.subject_id, h.task, h.tag) = (ranked.workflow_id, ranked.subject_id, ranked.task, ranked.tag)`,
    );
    await queryRunner.query('UPDATE hidden_tags h SET tag = r.new_tag FROM renamed_tags r WHERE h.tag = r.old_tag');
    await queryRunner.query('UPDATE unhidden_tags u SET tag = r.new_tag FROM renamed_tags r WHERE u.tag = r.old_tag');
    await queryRunner.query('DROP TABLE renamed_tags');
  }

  async down(): Promise<void> {
    // The old forms are not kept; the rewritten tags are the same tags.
  }
}
