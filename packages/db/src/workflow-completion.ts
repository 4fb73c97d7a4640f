import type { EntityManager } from 'typeorm';
import { byExcludedVolunteerSql } from './excluded-volunteers';
import { MAILED_READER_SQL, projectReadableBySql } from './project-access';
import { isUnlinked } from './subject-sets';

/**
 * Who is told of the completion of workflow $1 just recorded, once each: its project's researchers (roles $2), as its
 * team, and every account that classified in it (its team's tries in draft aside), as volunteers; the team first.
 */
const TOLD = `
  SELECT DISTINCT ON (t.user_id) t.user_id, t.team FROM (
    SELECT m.user_id, true AS team FROM project_members m JOIN me ON m.project_id = me.project_id WHERE m.role = ANY($2::text[])
    UNION ALL
    SELECT DISTINCT c.user_id, false FROM classifications c WHERE c.workflow_id = $1 AND NOT c.made_in_draft
  ) t ORDER BY t.user_id, t.team DESC`;

/**
 * A volunteer (`told`) of project `p` told nothing: its moderators stopped them from commenting, or its researchers
 * keep them out of its consensus, or they were told of an earlier completion of the workflow already (volunteers are
 * thanked once per workflow; its team is told of every completion: their downloads changed).
 */
const SET_ASIDE = `(EXISTS (SELECT 1 FROM comment_bans b WHERE b.project_id = p.id AND b.user_id = told.user_id)
  OR ${byExcludedVolunteerSql('told', 'p.id')}
  OR EXISTS (SELECT 1 FROM comment_notifications o WHERE o.workflow_id = me.id AND o.user_id = told.user_id))`;

/**
 * Tells of workflow $1's completion as recorded now (`completed_at`), in one statement however many volunteers it had:
 * a `workflow-complete` notification to each of those `TOLD` who has an account (not a guest, not deleted) and may still
 * read the project, as one of its team (stored: `team`) or a volunteer, but volunteers `SET_ASIDE`; with how many of its subjects were done (retired, but those that left
 * with their set). Each notification once per completion (its unique key): a job run again tells nobody twice. Owes a
 * mail (`completion_mail_deliveries`) to each of them with a verified email who asked for it: `completion_mails` for
 * the team, `volunteer_completion_mails` for volunteers.
 */
const TELL = `
  WITH me AS (
    SELECT w.id, w.project_id, w.completed_at,
           (SELECT count(*)::int FROM subject_workflow_status st WHERE st.workflow_id = w.id AND st.retired_at IS NOT NULL AND NOT ${isUnlinked('st')}) AS done
    FROM workflows w WHERE w.id = $1 AND w.completed_at IS NOT NULL),
  told AS (${TOLD}),
  notified AS (
    INSERT INTO comment_notifications (user_id, kind, workflow_id, completed_at, subjects_done, team)
    SELECT u.id, 'workflow-complete', me.id, me.completed_at, me.done, told.team
    FROM told JOIN users u ON u.id = told.user_id CROSS JOIN me JOIN projects p ON p.id = me.project_id
    WHERE u.kind = 'registered' AND ${projectReadableBySql('u.id')} AND (told.team OR NOT ${SET_ASIDE})
    ON CONFLICT DO NOTHING
    RETURNING id, user_id, team),
  mailed AS (
    INSERT INTO completion_mail_deliveries (notification_id)
    SELECT n.id FROM notified n JOIN users u ON u.id = n.user_id CROSS JOIN me JOIN projects p ON p.id = me.project_id
    WHERE ${MAILED_READER_SQL} AND CASE WHEN n.team THEN u.completion_mails ELSE u.volunteer_completion_mails END)
  SELECT count(*)::int AS told FROM notified`;

/**
 * Tells of a workflow's completion (`TELL`), in the transaction that records it (`workflowCompleting`), so that it is
 * told once per completion; but nobody of the completion a workflow had already when completions began to be told
 * (`completion_untold`: the upgrade announces no old workflow). `teamRoles`: the roles of its researchers. How many were told.
 */
export async function tellCompletion(manager: EntityManager, workflowId: string, teamRoles: readonly string[]): Promise<number> {
  // TypeORM answers an UPDATE with [rows, count].
  const [, untold] = await manager.query<[unknown, number]>('UPDATE workflows SET completion_untold = false WHERE id = $1 AND completion_untold', [workflowId]);
  if (untold) return 0;
  const [{ told }] = await manager.query<{ told: number }[]>(TELL, [workflowId, teamRoles]);
  return told!;
}
