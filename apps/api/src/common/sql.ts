/** Postgres's code for a statement that would break a unique index (a taken slug, email or idempotency key). */
export const UNIQUE_VIOLATION = '23505';

/** Postgres's code for a statement it ended: it ran longer than `statement_timeout` (DATABASE_STATEMENT_TIMEOUT_MS). */
export const QUERY_CANCELED = '57014';

/** Postgres's code for a transaction it rolled back to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

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
