import type { EntityManager } from 'typeorm';
import { conflict, notFound } from '../common/problem';

/** The refusal of a new discussion, comment or edit in an archived board: what was said stays readable. */
const archived = () =>
  conflict('This board is archived: its discussions stay readable, and take no new discussion, comment nor edit. Start one in another of the project’s boards.', 'board-archived');

/**
 * Holds the board (`id`, or the board of the board discussion `id`) open (neither deleted nor archived) until the
 * transaction ends, for a discussion, comment or edit in it: refused if it is archived, or gone meanwhile.
 */
export async function holdBoardOpen(manager: EntityManager, id: string, of: 'board' | 'discussion' = 'board'): Promise<void> {
  const board = of === 'board' ? '$1' : '(SELECT board_id FROM board_discussions WHERE id = $1)';
  const [row] = await manager.query<{ archived_at: Date | null }[]>(`SELECT archived_at FROM project_boards WHERE id = ${board} FOR SHARE`, [id]);
  if (!row) throw notFound(`Board ${id}`, '/params/id');
  if (row.archived_at) throw archived();
}
