import type { MigrationInterface, QueryRunner } from 'typeorm';
import { renormalisedTag } from './1797229000000-HiddenTagsRenormalised';

/** Tags as they were compared before the zero-width non-joiner and joiner were kept and the tatweel dropped. */
const keyBefore = renormalisedTag;

// `normaliseTag` as this migration applies it (`comparableText` with stray joiners dropped, in `tidyTag`): a copy, so
// that a later change to the rule does not change what it does.
const MEANINGLESS = /(?![\u200c\u200d])[\p{Default_Ignorable_Code_Point}\u0640]/gu;
const STRAY_JOINER = /(?<![^\s\p{ASCII}])[\u200c\u200d]|[\u200c\u200d](?![^\s\p{ASCII}])/gu;
const ARABIC_PRESENTATION_FORM = /[\uFB50-\uFDFF\uFE70-\uFEFC]/gu;
const asLetters = (form: string) => {
  const letters = form.normalize('NFKC');
  return /\s/u.test(letters) ? form : letters;
};
const comparableText = (text: string) => text.replace(ARABIC_PRESENTATION_FORM, asLetters).replace(MEANINGLESS, '').replace(STRAY_JOINER, '');
const normaliseTag = (tag: string): string => comparableText(comparableText(tag).normalize('NFKC')).trim().replace(/\s+/gu, ' ').toLowerCase();

/**
 * Hidden tags kept hidden now that tags keep their zero-width non-joiner and joiner (spelling in Persian: `کتاب‌خانه`)
 * and drop the Arabic tatweel (`كـتب` is `كتب`). Those are the only characters whose reading changed, so only hidings of
 * such tags can stop matching: a hiding stored as `کتابخانه` also hid `کتاب‌خانه`, now another tag, which gets a hiding
 * of its own (the same who, when and why) for each spelling with a joiner that volunteers gave that subject in that task;
 * hidings and hidings ended stored with a tatweel are stored without (where the subject's task has the tag hidden
 * without it already, that hiding is kept). Not undone: the hidings added are of tags that were hidden.
 */
export class HiddenTagsJoinersKept1797311000000 implements MigrationInterface {
  name = 'HiddenTagsJoinersKept1797311000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const joined: { workflow_id: string; subject_id: string; task: string; hidden: string; given: string }[] = await queryRunner.query(
      `SELECT DISTINCT h.workflow_id, h.subject_id, h.task, h.tag AS hidden, given
       FROM hidden_tags h
       JOIN classifications c ON c.workflow_id = h.workflow_id AND c.subject_id = h.subject_id
       CROSS JOIN LATERAL jsonb_array_elements(c.annotations) e(a)
       CROSS JOIN LATERAL jsonb_each(CASE jsonb_typeof(e.a->'value') WHEN 'object' THEN e.a->'value' ELSE '{}' END) l(list, tags)
       CROSS JOIN LATERAL jsonb_array_elements_text(CASE jsonb_typeof(l.tags) WHEN 'array' THEN l.tags ELSE '[]' END) given
       WHERE e.a->>'task' = h.task AND l.list IN ('add', 'up', 'down') AND given ~ $1`,
      ['[\u200c\u200d]'],
    );
    const added = joined.filter((row) => keyBefore(row.given) === row.hidden && normaliseTag(row.given) !== row.hidden);
    for (const row of added) {
      await queryRunner.query(
        `INSERT INTO hidden_tags (workflow_id, subject_id, task, tag, hidden_by, reason, hidden_at)
         SELECT workflow_id, subject_id, task, $5, hidden_by, reason, hidden_at FROM hidden_tags
         WHERE workflow_id = $1 AND subject_id = $2 AND task = $3 AND tag = $4
         ON CONFLICT DO NOTHING`,
        [row.workflow_id, row.subject_id, row.task, row.hidden, normaliseTag(row.given)],
      );
    }
    const stretched: { tag: string }[] = await queryRunner.query(
      "SELECT tag FROM hidden_tags WHERE tag LIKE '%' || chr(1600) || '%' UNION SELECT tag FROM unhidden_tags WHERE tag LIKE '%' || chr(1600) || '%'",
    );
    for (const { tag } of stretched) {
      await queryRunner.query(
        `INSERT INTO hidden_tags (workflow_id, subject_id, task, tag, hidden_by, reason, hidden_at)
         SELECT workflow_id, subject_id, task, $2, hidden_by, reason, hidden_at FROM hidden_tags WHERE tag = $1 ORDER BY hidden_at
         ON CONFLICT DO NOTHING`,
        [tag, normaliseTag(tag)],
      );
      await queryRunner.query('DELETE FROM hidden_tags WHERE tag = $1', [tag]);
      await queryRunner.query('UPDATE unhidden_tags SET tag = $2 WHERE tag = $1', [tag, normaliseTag(tag)]);
    }
  }

  async down(): Promise<void> {
    // The hidings added are of tags that were hidden; the tatweel dropped does not change a tag.
  }
}
