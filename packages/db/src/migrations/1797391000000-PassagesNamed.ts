import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `tidyExternalId` as this migration was written: a copy, so that a later change to the rule does not change what it did. */
const tidyExternalId = (id: string): string => id.normalize('NFC').replace(/^[\s\p{Default_Ignorable_Code_Point}]+|[\s\p{Default_Ignorable_Code_Point}]+$/gu, '');

const BATCH = 10_000;

interface Passage {
  id: string;
  project_id: string;
  passage: number;
  set_name: string;
}

/**
 * Text corpus passages uploaded before Chorus named them get the name an upload now gives (`passageNames`, copied):
 * their set's name and their number in the corpus (`metadata.passage`), `Letters#3`, or, where the project has that
 * id already, the first of `Letters#3 (2)`, `Letters#3 (3)`… it has not. The set is the first the passage joined; a
 * passage in no set, or whose `passage` is not a whole number, keeps no name. Not undone: the names are kept.
 */
export class PassagesNamed1797391000000 implements MigrationInterface {
  name = 'PassagesNamed1797391000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The project's ids that passages' names may meet: those of each batch's names, read at once, and the rare `(2)`s one by one.
    const taken = new Set<string>();
    const isTaken = async (projectId: string, name: string, read: boolean) =>
      taken.has(`${projectId} ${name}`) || (!read && (await queryRunner.query('SELECT 1 FROM subjects WHERE project_id = $1 AND external_id = $2', [projectId, name])).length > 0);
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const passages: Passage[] = await queryRunner.query(
        `SELECT DISTINCT ON (s.id) s.id, s.project_id, (s.metadata ->> 'passage')::int AS passage, st.name AS set_name
         FROM subjects s JOIN subject_set_members m ON m.subject_id = s.id JOIN subject_sets st ON st.id = m.subject_set_id
         WHERE s.id > $1 AND s.external_id IS NULL AND jsonb_typeof(s.metadata -> 'passage') = 'number' AND (s.metadata ->> 'passage') ~ '^[0-9]{1,9}$'
           AND jsonb_array_length(s.locations) = 1 AND s.locations -> 0 ->> 'type' = 'text'
         ORDER BY s.id, m.created_at, st.created_at
         LIMIT $2`,
        [after, BATCH],
      );
      if (!passages.length) return;
      after = passages[passages.length - 1]!.id;
      const wanted = passages.map(({ passage, set_name }) => tidyExternalId(`${set_name}#${passage}`));
      const met: { project_id: string; external_id: string }[] = await queryRunner.query(
        'SELECT s.project_id, s.external_id FROM subjects s JOIN unnest($1::uuid[], $2::text[]) x(project_id, name) ON s.project_id = x.project_id AND s.external_id = x.name',
        [passages.map((p) => p.project_id), wanted],
      );
      for (const row of met) taken.add(`${row.project_id} ${row.external_id}`);
      const names: string[] = [];
      for (const [index, { project_id }] of passages.entries()) {
        const name = wanted[index]!;
        let free = name;
        for (let copy = 2; await isTaken(project_id, free, copy === 2); copy++) free = `${name} (${copy})`;
        taken.add(`${project_id} ${free}`);
        names.push(free);
      }
      await queryRunner.query('UPDATE subjects s SET external_id = x.name FROM unnest($1::uuid[], $2::text[]) x(id, name) WHERE s.id = x.id', [passages.map((p) => p.id), names]);
    }
  }

  async down(): Promise<void> {
    // The names are kept: downloads and retirements may name them already.
  }
}
