/** Where a kind of report is kept: subject reports and comment reports are stored alike (`storeReportSql`). */
export interface ReportTable {
  table: string;
  /** The columns of its one-report-per-volunteer key, each with the parameter that names it. */
  key: Record<string, string>;
  /** The columns a new report is inserted with, and the SELECT that gives them (no row: nothing is stored). */
  columns: readonly string[];
  made: string;
  /** Columns beside `reported_at` that move with it (to now, never before the report was first made). */
  moving: readonly string[];
  /** What comes back of the stored report. */
  returning: string;
}

/**
 * A volunteer's report stored in one statement, whatever a moderator does meanwhile: made, or made again, the
 * volunteer's latest words (reason and note) given to their report, which opens it again if it was dismissed. Its
 * `reported_at` (and `moving`) moves when it is made, opened again or given other words, never to before its
 * `created_at`; sent again as it is while open, it changes nothing. The report there was is locked first (`prior`),
 * so `replayed` (it was open: 200, not 201) tells its state as the statement finds it, not as a dismissal committed
 * meanwhile left it; none, another request of the volunteer's that stored it meanwhile tells (`xmax`: the row was
 * updated, not inserted).
 */
export function storeReportSql({ table, key, columns, made, moving, returning }: ReportTable): string {
  const keyColumns = Object.keys(key);
  const madeAgain = `${table}.dismissed_at IS NOT NULL OR (${table}.reason, ${table}.note) IS DISTINCT FROM (EXCLUDED.reason, EXCLUDED.note)`;
  // now() is when the statement's transaction began, which may be before a report another request stored meanwhile was.
  const madeAgainAt = `greatest(now(), ${table}.created_at)`;
  const moved = ['reported_at', ...moving].map((column) => `${column} = CASE WHEN ${madeAgain} THEN ${madeAgainAt} ELSE ${table}.${column} END`);
  return `
  WITH prior AS (SELECT dismissed_at IS NULL AS open FROM ${table} WHERE ${keyColumns.map((column) => `${column} = ${key[column]}`).join(' AND ')} FOR UPDATE),
  stored AS (
    INSERT INTO ${table} (${columns.join(', ')}) SELECT made.* FROM (${made}) made LEFT JOIN prior ON true
    ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${moved.join(', ')}, reason = EXCLUDED.reason, note = EXCLUDED.note,
      dismissed_at = NULL, dismissed_by = NULL, dismissal_note = NULL
    RETURNING ${returning}, xmax <> 0 AS updated)
  SELECT stored.*, coalesce(prior.open, stored.updated) AS replayed FROM stored LEFT JOIN prior ON true`;
}
