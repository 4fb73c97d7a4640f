/** TypeORM answers `UPDATE … RETURNING` and `DELETE … RETURNING` with `[rows, affectedCount]`; this gives the rows. */
export function returnedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}
