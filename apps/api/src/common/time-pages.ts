import { timeCursor } from './zod';

/**
 * A page of a list in time order (`timeCursorSchema`) from its rows, read one more than `limit` (the `cursor_time` and
 * `id` of each): the first `limit`, and the cursor after the last of them while there are more.
 */
export function timePage<Row extends { cursor_time: string; id: string }>(rows: Row[], limit: number): { page: Row[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last ? timeCursor(last.cursor_time, last.id) : null };
}
