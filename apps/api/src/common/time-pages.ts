import { pageCursorSchema, timeCursorPattern } from './zod';

/**
 * The `after` of a list newest first (a volunteer's favourites, collections, a collection's subjects): the `next` of the
 * page before, a time to the microsecond (`cursorTimeSql`) and the id that breaks ties.
 */
export const timeCursorSchema = pageCursorSchema(timeCursorPattern(), ([time, id]) => ({ time: time!, id: id! }));

/**
 * A page of such a list from its rows, read one more than `limit` (the `cursor_time` and `id` of each): the first
 * `limit`, and the cursor after the last of them while there are more.
 */
export function timePage<Row extends { cursor_time: string; id: string }>(rows: Row[], limit: number): { page: Row[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last ? `${last.cursor_time}_${last.id}` : null };
}
