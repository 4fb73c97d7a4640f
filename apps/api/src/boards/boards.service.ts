import { BOARD_LIMITS, type Board, type BoardDiscussion, type BoardDiscussionPage, type BoardDiscussionStarted, type BoardDiscussionSummary, type BoardList, type DiscussionFollow, type SubjectComment } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { conflict, notFound } from '../common/problem';
import type { RateLimitNote } from '../common/rate-limits';
import { FOREIGN_KEY_VIOLATION, cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { routeAccess } from '../projects/access-first';
import { ProjectAccess } from '../projects/project-access';
import { type DiscussionPlace, DiscussionsService, signInTo } from '../discussions/discussions.service';
import type { CommentPageQuery } from '../discussions/dto/discussions.dto';
import { holdBoardOpen } from './board-open';
import { type BoardChanges, type BoardCommentInput, type BoardDiscussionInput, type BoardDiscussionsQuery, type BoardInput } from './dto/boards.dto';

interface BoardRow {
  id: string;
  project_id: string;
  title: string;
  description: string;
  position: number;
  archived_at: Date | null;
}

interface DiscussionRow {
  id: string;
  board_id: string;
  title: string;
  display_name: string | null;
  comment_count: number;
  last_comment_at: Date;
  created_at: Date;
  /** `last_comment_at` to the microsecond, for the cursor. */
  cursor_time: string;
}

const BOARD_COLUMNS = 'b.id, b.project_id, b.title, b.description, b.position, b.archived_at';

/** A board discussion with who started it (nameless once their account is deleted) and its comments shown to volunteers, counted. */
const DISCUSSIONS = `
  SELECT d.id, d.board_id, d.title, d.last_comment_at, d.created_at, ${cursorTimeSql('d.last_comment_at')} AS cursor_time,
         CASE WHEN u.kind = 'deleted' THEN NULL ELSE u.display_name END AS display_name,
         (SELECT count(*)::int FROM subject_comments c WHERE c.board_discussion_id = d.id AND c.hidden_at IS NULL) AS comment_count
  FROM board_discussions d JOIN users u ON u.id = d.user_id`;

/**
 * SQL: whether the discussion `d` has a comment shown to volunteers: one whose every comment is hidden or deleted (its
 * author's spam title, say, or a banned one's) is the team's alone to list and open.
 */
const SHOWN_SQL = 'EXISTS (SELECT 1 FROM subject_comments c WHERE c.board_discussion_id = d.id AND c.hidden_at IS NULL)';

/**
 * A board's ($1) discussions, the latest active first (`board_discussions_board_recent_idx`): after the cursor ($2, $3;
 * or nulls), $4 rows; only those with a shown comment unless the reader is on the team ($5).
 */
const BOARD_DISCUSSIONS = `${DISCUSSIONS}
  WHERE d.board_id = $1 AND ($2::timestamptz IS NULL OR (d.last_comment_at, d.id) < ($2::timestamptz, $3::uuid)) AND ($5 OR ${SHOWN_SQL})
  ORDER BY d.last_comment_at DESC, d.id DESC LIMIT $4`;

/** Holds the project's ($1) boards still while one is made, moved or deleted (their count and order), until the transaction ends. */
const LOCK_BOARDS = "SELECT pg_advisory_xact_lock(hashtextextended('project_boards:' || $1::text, 0))";

const boardView = (row: BoardRow): Board => ({
  id: row.id,
  projectId: row.project_id,
  title: row.title,
  description: row.description,
  position: row.position,
  archivedAt: row.archived_at?.toISOString() ?? null,
});

const summaryView = (row: DiscussionRow): BoardDiscussionSummary => ({
  id: row.id,
  boardId: row.board_id,
  title: row.title,
  startedBy: { displayName: row.display_name },
  commentCount: row.comment_count,
  lastCommentAt: row.last_comment_at.toISOString(),
  createdAt: row.created_at.toISOString(),
});

/** The refusal to delete a board with discussions. */
const notEmpty = () =>
  conflict('This board has discussions, which deleting it would erase: archive it instead (PATCH /boards/:id with archived true), which keeps them readable.', 'board-not-empty');

/**
 * Talk's boards: a project's researchers make its boards (Help, Science, Chat…), where volunteers start titled
 * discussions about no one subject. A board discussion's comments are subjects' discussions' comments in all but
 * their place (`DiscussionsService`, `board_discussion_id`): replies, edits, hiding, reports, follows and their mails,
 * mentions, hashtags, search and downloads serve both.
 */
@Injectable()
export class BoardsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly discussions: DiscussionsService,
    private readonly idempotentRequests: IdempotentRequests,
  ) {}

  /** The project's boards, in their order (archived ones too). */
  async list(projectId: string, user: AuthUser | undefined): Promise<BoardList> {
    await this.access.readable(projectId, user, '/params/id');
    const rows = await this.db.query<BoardRow[]>(`SELECT ${BOARD_COLUMNS} FROM project_boards b WHERE b.project_id = $1 ORDER BY b.position, b.id`, [projectId]);
    return { boards: rows.map(boardView) };
  }

  /** Makes a board, last in the project's list, up to `BOARD_LIMITS.perProject`; its answer kept for a retry with the same key. */
  async create(projectId: string, { title, description }: BoardInput, user: AuthUser): Promise<Board> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    return this.db.transaction(async (manager) => {
      await manager.query(LOCK_BOARDS, [projectId]);
      const [{ boards }] = await manager.query<{ boards: number }[]>('SELECT count(*)::int AS boards FROM project_boards WHERE project_id = $1', [projectId]);
      if (boards! >= BOARD_LIMITS.perProject) {
        throw conflict(`A project has at most ${BOARD_LIMITS.perProject} boards: delete an empty one, or start discussions in those there are.`, 'too-many-boards');
      }
      const [row] = await manager.query<BoardRow[]>(
        `INSERT INTO project_boards AS b (project_id, title, description, position) VALUES ($1, $2, $3, $4) RETURNING ${BOARD_COLUMNS}`,
        [projectId, title, description ?? '', boards],
      );
      const board = boardView(row!);
      await this.idempotentRequests.keepAnswerIn(manager, { body: board });
      return board;
    });
  }

  /** Renames, describes, archives (or opens again) a board, or moves it to `position` (the others after it move down one). */
  async update(boardId: string, { title, description, position, archived: archiving }: BoardChanges, user: AuthUser): Promise<Board> {
    const board = await this.researchedBoard(boardId, user);
    await this.db.transaction(async (manager) => {
      await manager.query(LOCK_BOARDS, [board.project_id]);
      await manager.query(
        `UPDATE project_boards SET title = coalesce($2, title), description = coalesce($3, description),
           archived_at = CASE WHEN $4::boolean IS NULL THEN archived_at WHEN $4 THEN coalesce(archived_at, now()) END, updated_at = now()
         WHERE id = $1`,
        [boardId, title ?? null, description ?? null, archiving ?? null],
      );
      if (position !== undefined) await this.renumber(manager, board.project_id, boardId, position);
    });
    return this.boardOf(boardId);
  }

  /** Deletes a board without discussions; one with discussions is archived instead (409). */
  async delete(boardId: string, user: AuthUser): Promise<void> {
    const board = await this.researchedBoard(boardId, user);
    // A discussion started meanwhile (after this statement's snapshot) is kept by the foreign key, which refuses then.
    await this.db
      .transaction(async (manager) => {
        await manager.query(LOCK_BOARDS, [board.project_id]);
        const [, deleted] = await manager.query<[unknown, number]>('DELETE FROM project_boards b WHERE b.id = $1 AND NOT EXISTS (SELECT 1 FROM board_discussions d WHERE d.board_id = b.id)', [boardId]);
        if (!deleted) throw notEmpty();
        await this.renumber(manager, board.project_id);
      })
      .catch((error: { code?: string }) => {
        throw error.code === FOREIGN_KEY_VIOLATION ? notEmpty() : error;
      });
  }

  /** A page of the board's discussions, the latest active first, the board, and whether the caller is stopped from commenting. */
  async boardDiscussions(boardId: string, { limit, after }: BoardDiscussionsQuery, user: AuthUser | undefined): Promise<BoardDiscussionPage> {
    const board = await this.readableBoard(boardId, user);
    const team = await this.discussions.isTeam(board.project_id, user);
    const rows = await this.db.query<DiscussionRow[]>(BOARD_DISCUSSIONS, [boardId, after?.time ?? null, after?.id ?? null, limit + 1, team]);
    const { page, next } = timePage(rows, limit);
    const commentBanned = !team && (await this.discussions.commentBanned(board.project_id, user));
    return { board: boardView(board), discussions: page.map(summaryView), next, commentBanned };
  }

  /** Starts a discussion in the board with its first comment, by the caller (an account), as a comment is posted (`postIn`). */
  async start(boardId: string, { title, body }: BoardDiscussionInput, user: AuthUser, note: RateLimitNote): Promise<BoardDiscussionStarted> {
    const board = await this.readableBoard(boardId, user, '/params/id');
    if (user.kind !== 'registered') throw signInTo('comment');
    const place: DiscussionPlace = { projectId: board.project_id, column: 'board_discussion_id', id: randomUUID() };
    return this.discussions.postIn(place, { body }, user, await this.discussions.isTeam(board.project_id, user), note, {
      before: async (manager) => {
        await holdBoardOpen(manager, boardId);
        await manager.query('INSERT INTO board_discussions (id, project_id, board_id, user_id, title) VALUES ($1, $2, $3, $4, $5)', [place.id, board.project_id, boardId, user.id, title]);
      },
      answer: async (manager: EntityManager, comment: SubjectComment) => ({ ...summaryView((await manager.query<DiscussionRow[]>(`${DISCUSSIONS} WHERE d.id = $1`, [place.id]))[0]!), comment }),
    });
  }

  /** A board discussion: its title and board, and a page of its comments, oldest first (as a subject's discussion). */
  async discussion(discussionId: string, query: CommentPageQuery, user: AuthUser | undefined): Promise<BoardDiscussion> {
    const { place, board, row, team } = await this.readableDiscussion(discussionId, user);
    const page = await this.discussions.discussionPage(place, query, user, team);
    const { commentCount: _, lastCommentAt: __, ...summary } = summaryView(row);
    return { discussion: { ...summary, board: boardView(board) }, ...page };
  }

  /** Posts a comment in a board discussion, as in a subject's (`postIn`); none in an archived board's. */
  async comment(discussionId: string, { body, replyTo }: BoardCommentInput, user: AuthUser, note: RateLimitNote): Promise<SubjectComment> {
    const { place, board, team } = await this.readableDiscussion(discussionId, user);
    if (user.kind !== 'registered') throw signInTo('comment');
    if (replyTo) await this.discussions.assertAnswerable(replyTo, place);
    return this.discussions.postIn(place, { body, replyTo }, user, team, note, { before: (manager) => holdBoardOpen(manager, board.id) });
  }

  /** Follows a board discussion, or stops (`following` false), for the caller (an account). */
  async follow(discussionId: string, following: boolean, user: AuthUser): Promise<DiscussionFollow> {
    const { place } = await this.readableDiscussion(discussionId, user);
    if (user.kind !== 'registered') throw signInTo('follow a discussion');
    return this.discussions.setFollow(place, following, user);
  }

  /** Gives the project's boards positions 0, 1, 2… in their order, board `moved` (if any) at `position` (or last, past the end). */
  private async renumber(manager: EntityManager, projectId: string, moved?: string, position?: number): Promise<void> {
    const rows = await manager.query<{ id: string }[]>('SELECT id FROM project_boards WHERE project_id = $1 ORDER BY position, id', [projectId]);
    const ids = rows.map((row) => row.id).filter((id) => id !== moved);
    if (moved) ids.splice(Math.min(position ?? ids.length, ids.length), 0, moved);
    await manager.query('UPDATE project_boards b SET position = o.position - 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, position) WHERE b.id = o.id AND b.position <> o.position - 1', [ids]);
  }

  private async boardOf(boardId: string): Promise<Board> {
    const [row] = await this.db.query<BoardRow[]>(`SELECT ${BOARD_COLUMNS} FROM project_boards b WHERE b.id = $1`, [boardId]);
    return boardView(row!);
  }

  /** The board, if the caller may read its project; 404 otherwise, as for no board. */
  private async readableBoard(boardId: string, user: AuthUser | undefined, pointer = '/params/id'): Promise<BoardRow> {
    const [row] = await this.db.query<BoardRow[]>(`SELECT ${BOARD_COLUMNS} FROM project_boards b WHERE b.id = $1`, [boardId]);
    if (!row) throw notFound(`Board ${boardId}`, pointer);
    await this.access.readable(row.project_id, user, pointer, `Board ${boardId}`);
    return row;
  }

  /** The board, if the caller researches its project (403), and may see it (404). */
  async researchedBoard(boardId: string, user: AuthUser): Promise<BoardRow> {
    const board = await this.readableBoard(boardId, user);
    await this.access.requireResearcher(board.project_id, user, '/params/id', `Board ${boardId}`);
    return board;
  }

  /**
   * The board discussion, its board, where its comments are, and whether the caller is on its project's team, if the
   * caller may read its project; one without a shown comment only for the team (404 otherwise, as for none).
   */
  private async readableDiscussion(discussionId: string, user: AuthUser | undefined): Promise<{ place: DiscussionPlace; board: BoardRow; row: DiscussionRow; team: boolean }> {
    const [row] = await this.db.query<DiscussionRow[]>(`${DISCUSSIONS} WHERE d.id = $1`, [discussionId]);
    if (!row) throw notFound(`Board discussion ${discussionId}`, '/params/id');
    const board = await this.readableBoard(row.board_id, user);
    const team = await this.discussions.isTeam(board.project_id, user);
    if (!row.comment_count && !team) throw notFound(`Board discussion ${discussionId}`, '/params/id');
    return { place: { projectId: board.project_id, column: 'board_discussion_id', id: discussionId }, board, row, team };
  }
}

/** A board's routes (`boards/:id`) for its project's researchers, asked first (`AccessFirst`). */
export const BOARD_RESEARCHERS = routeAccess(BoardsService, (boards, id, user) => boards.researchedBoard(id, user));
