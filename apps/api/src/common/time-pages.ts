import { timeCursor } from './zod';

/** A page of rows in time order (`timeCursorSchema`), and the cursor after its last row while there are more. */
export interface TimePage<Row> {
  page: Row[];
  next: string | null;
}

/** The columns of `Row` that hold text: those that may be a time-ordered page's id. */
type TextColumn<Row> = { [Column in keyof Row]: Row[Column] extends string ? Column : never }[keyof Row];

/**
 * A page of a list in time order (`timeCursorSchema`) from its rows, read one more than `limit` (the `cursor_time` of
 * each, and its id in `idColumn`: `id` unless told): the first `limit`, and the cursor after the last of them while
 * there are more.
 */
export function timePage<Row extends { cursor_time: string; id: string }>(rows: Row[], limit: number): TimePage<Row>;
export function timePage<Row extends { cursor_time: string }>(rows: Row[], limit: number, idColumn: TextColumn<Row>): TimePage<Row>;
export function timePage<Row extends { cursor_time: string }>(rows: Row[], limit: number, idColumn = 'id' as TextColumn<Row>): TimePage<Row> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last ? timeCursor(last.cursor_time, last[idColumn] as string) : null };
}
