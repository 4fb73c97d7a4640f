import type { MigrationInterface, QueryRunner } from 'typeorm';
import { type IndexBuilt, buildIndexesConcurrently, dropIndexesConcurrently } from './concurrent-indexes';

const INDEXES: IndexBuilt[] = [
  // A project's discussions searched by words (`containsFoldedSql`): a rare word's page reads the comments holding its trigrams, not every comment.
  ['subject_comments_body_trgm_idx', 'subject_comments', 'USING gin (chorus_fold("body") gin_trgm_ops)'],
  // The project search, by words of a title or a slug.
  ['projects_title_trgm_idx', 'projects', 'USING gin (chorus_fold("title") gin_trgm_ops)'],
  ['projects_slug_trgm_idx', 'projects', 'USING gin (chorus_fold("slug") gin_trgm_ops)'],
];

/**
 * `pg_trgm` (a trusted extension, as `unaccent`: the database's owner may create it), `chorus_fold`, the folding the
 * searches read text through (`lower` of `unaccent`), and trigram indexes of the folded comments' bodies and projects'
 * titles and slugs, built concurrently: comments and projects keep being written meanwhile. `unaccent` is only STABLE
 * (its dictionary is looked up by name, through the search path), so an index cannot hold it: the wrapper names the
 * dictionary, in the schema the extension is in, and is IMMUTABLE.
 */
export class SearchTrigramIndexes1797770000000 implements MigrationInterface {
  name = 'SearchTrigramIndexes1797770000000';
  transaction = false as const;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    // Built by `format` in Postgres, which quotes the schema's name as a name and the dictionary's as a literal, whatever it holds.
    const [created]: { statement: string }[] = await queryRunner.query(
      `SELECT format('CREATE OR REPLACE FUNCTION chorus_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS %L',
                     format('SELECT pg_catalog.lower(%I.unaccent(%L::regdictionary, $1))', n.nspname, format('%I.unaccent', n.nspname))) AS statement
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'`,
    );
    if (!created) throw new Error('The extension unaccent is missing from the database (migration ProjectSearchAndOrder made it, or a DBA was to): run CREATE EXTENSION unaccent in it, then start again');
    await queryRunner.query(created.statement);
    await buildIndexesConcurrently(queryRunner, INDEXES);
  }

  /** The extension stays: it may have been there before, for others' use. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIndexesConcurrently(queryRunner, INDEXES);
    await queryRunner.query('DROP FUNCTION IF EXISTS chorus_fold(text)');
  }
}
