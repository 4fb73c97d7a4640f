import type { EntityManager } from 'typeorm';
import { volunteerLockSql } from './volunteer-locks';

/**
 * The advisory lock on the comment ban of volunteer $2 in project $1. A ban and its lift hold it exclusively until they
 * commit; a comment or an edit holds it shared from before it reads the ban until it commits: so either the comment
 * commits first, or it reads the ban as the change committed it, and no comment is stored after its author's ban.
 */
const COMMENT_BAN_LOCK = volunteerLockSql('comment-ban', '$1::uuid', '$2::uuid');

/** The statement that takes the comment ban's lock exclusively ($1 the project, $2 the volunteer). */
export const COMMENT_BAN_LOCKED = `SELECT pg_advisory_xact_lock(${COMMENT_BAN_LOCK})`;

/** Takes the comment ban's lock exclusively, first in the transaction that bans or lifts, or hides, shows or deletes one of the volunteer's comments. */
export async function lockCommentBan(manager: EntityManager, projectId: string, volunteerId: string): Promise<void> {
  await manager.query(COMMENT_BAN_LOCKED, [projectId, volunteerId]);
}

/** Whether volunteer $2 is stopped from commenting in project $1 (`banned`). */
export const COMMENT_BANNED = 'SELECT EXISTS (SELECT 1 FROM comment_bans WHERE project_id = $1 AND user_id = $2) AS banned';

/**
 * Takes the comment ban's lock shared, first in the transaction that stores a comment (its author's follow with it):
 * a moderator's hide, unhide or the author's delete holds it exclusively (`lockCommentBan`), so that each reads the
 * author's comments there, to drop or give back their follow, as the others committed them.
 */
export async function lockCommentBanShared(manager: EntityManager, projectId: string, volunteerId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared(${COMMENT_BAN_LOCK})`, [projectId, volunteerId]);
}

/** Takes the comment ban's lock shared, then reads (with a statement of its own, so fresh) whether the volunteer is banned. */
export async function lockedCommentBan(manager: EntityManager, projectId: string, volunteerId: string): Promise<boolean> {
  await lockCommentBanShared(manager, projectId, volunteerId);
  const [{ banned }] = await manager.query<{ banned: boolean }[]>(COMMENT_BANNED, [projectId, volunteerId]);
  return banned;
}
