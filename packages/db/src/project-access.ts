import type { Project } from './entities';

/**
 * Projects that have been opened to volunteers: anyone may read them (a paused one, asked for by its address or
 * from a volunteer's open page, says it is paused rather than gone), and answers given in them are stored even once
 * the project is paused or finished (a volunteer may hold subjects, or answers waiting on their device, when it
 * happens). Drafts are their members' only, and so is a project the operators took down, whatever its status.
 */
export const PUBLIC_PROJECT_STATUSES: readonly Project['status'][] = ['live', 'paused', 'finished'];
/** `PUBLIC_PROJECT_STATUSES`, not taken down, in SQL, of a project `p`. */
export const PUBLIC_PROJECT_SQL = `(p.status IN (${PUBLIC_PROJECT_STATUSES.map((status) => `'${status}'`).join(', ')}) AND p.taken_down_at IS NULL)`;
/** Whether an account (`account`: the SQL of its id) may read project `p` now: it is public, or they are a member. */
export const projectReadableBySql = (account: string): string =>
  `(${PUBLIC_PROJECT_SQL} OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ${account}))`;
/**
 * Whether account `u` may be mailed about project `p` now (its news, a reply in its discussions): it has a verified
 * email and may read the project.
 */
export const MAILED_READER_SQL = `u.kind = 'registered' AND u.email IS NOT NULL AND u.email_verified_at IS NOT NULL AND ${projectReadableBySql('u.id')}`;
