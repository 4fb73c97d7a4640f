import type { DataSource, EntityManager } from 'typeorm';

/** Postgres's code for a statement that would break a unique index (a taken slug, email or idempotency key). */
export const UNIQUE_VIOLATION = '23505';
/** Postgres's code for a statement that would leave rows pointing at a deleted one (a board with a discussion started meanwhile). */
export const FOREIGN_KEY_VIOLATION = '23503';

/** SQL: the text `text` (an SQL expression) to look for inside a LIKE pattern as it is: its `%`, `_` and backslashes escaped (a backslash is Postgres's default escape). */
export const likeLiteralSql = (text: string) => `replace(replace(replace(${text}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;

/**
 * SQL: whether `column` holds the text of `parameter` (a `:name` or `$n` of the query, or an expression), whatever their
 * case and accents ("ecrits" finds "Écrits", "écrits" finds "Ecrits"), both read through Postgres's `unaccent`. A
 * position, not a LIKE pattern: unaccent makes `%`, `_` and `\` of some letters (the full-width `％`), which nothing here
 * takes as a wildcard. For text no index holds: `lower(unaccent(…))` is inlined, some 3 times cheaper a row than
 * `chorus_fold`, which an index can hold but Postgres cannot inline.
 */
export const containsFoldedSql = (column: string, parameter: string) => `strpos(lower(unaccent(${column})), lower(unaccent(${parameter}))) > 0`;

/**
 * Whether `word`, folded as `unaccent` folds it, surely has 3 characters or more: then a trigram index of the folded
 * column can serve its search. Counted without the combining marks (the only characters unaccent drops; every other one
 * it keeps or makes longer, `ß` into `ss`), so never more than the folded word's length: a word counted short is searched
 * without the index, which only costs it the index's help, where one counted long and holding no trigram would read the
 * whole index and then every row. Not `normalize('NFKD')`: it splits a Hangul syllable into 2 or 3 jamo, which unaccent
 * keeps as one letter.
 */
export const trigramSearchable = (word: string) => [...word.replace(/\p{M}/gu, '')].length >= 3;

/**
 * SQL: `containsFoldedSql`, where `column` has a trigram index of `chorus_fold(column)` (migration `SearchTrigramIndexes`:
 * comments' bodies, projects' titles and slugs) and `word` is the parameter's value: for a word of 3 letters or more
 * (`trigramSearchable`), a `LIKE` of `chorus_fold`, which that index serves, the folded word escaped after folding (unaccent
 * makes `%`, `_` and `\` of some letters); for a shorter one, which holds no trigram, the cheaper `containsFoldedSql`.
 */
export const containsFoldedIndexedSql = (column: string, parameter: string, word: string) =>
  trigramSearchable(word) ? `chorus_fold(${column}) LIKE '%' || ${likeLiteralSql(`chorus_fold(${parameter})`)} || '%'` : containsFoldedSql(column, parameter);

// Kept in @chorus/db, whose payloads give times so too.
export { cursorTimeSql, isoTimeSql } from '@chorus/db';

/** Postgres's code for a statement it ended: it ran longer than `statement_timeout` (DATABASE_STATEMENT_TIMEOUT_MS). */
export const QUERY_CANCELED = '57014';

/**
 * Runs a researcher's work on a whole subject set or workflow (an upload, linking or deleting a set, retiring one) in
 * a transaction that DATABASE_STATEMENT_TIMEOUT_MS does not end: it takes as long as the set is large, which no
 * retry would change, where the timeout is meant for statements that run away.
 */
export function researchersTransaction<T>(db: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return db.transaction(async (manager) => {
    await manager.query('SET LOCAL statement_timeout = 0');
    return work(manager);
  });
}

/** Postgres's code for a transaction it rolled back to break a deadlock. */
export const DEADLOCK_DETECTED = '40P01';

/**
 * Runs a transaction again (up to `attempts` times in all) when Postgres rolled it back to break a deadlock, as its
 * documentation advises. For work on many rows that others lock in another order, which no one order can avoid: an
 * upload locks its subjects in the file's order; deleting a set locks the same subjects in id order.
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= attempts) throw error;
    }
  }
}

/**
 * The rows a statement returned. TypeORM answers `UPDATE … RETURNING` and `DELETE … RETURNING` with
 * `[rows, affectedCount]`, and `SELECT` or `INSERT … RETURNING` with the rows themselves.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  return Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
