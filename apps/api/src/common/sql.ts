/** Postgres's code for a statement that would break a unique index (a taken slug, email or idempotency key). */
export const UNIQUE_VIOLATION = '23505';

/**
 * The rows a statement returned. TypeORM answers `UPDATE … RETURNING` and `DELETE … RETURNING` with
 * `[rows, affectedCount]`, and `SELECT` or `INSERT … RETURNING` with the rows themselves.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  return Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
