/** A time column in ISO 8601, UTC, its fraction of a second in `fraction` (a `to_char` field: MS or US). */
const utcTimeSql = (column: string, fraction: 'MS' | 'US') => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;

/** A time column as a cursor's time (`timeCursorPattern`): UTC, to the microsecond, as Postgres keeps it. */
export const cursorTimeSql = (column: string) => utcTimeSql(column, 'US');

/** A time column as the API gives times in JSON (`Date.prototype.toISOString`): UTC, to the millisecond. */
export const isoTimeSql = (column: string) => utcTimeSql(column, 'MS');
