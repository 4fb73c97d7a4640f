import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MemberView } from '@chorus/client';
import { ProjectMember } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { forbidden, notFound, validationFailed } from '../common/problem';
import { liftBanOnJoiningTeam } from '../discussions/comment-bans.service';
import { ProjectAccess, accountIdOf } from '../projects/project-access';
import type { MemberRoleInput } from './dto/member.dto';

/** The owner's role changes only when they hand the project over. */
const ownersRoleStays = (pointer: string) => validationFailed([{ pointer, message: "is the project's owner, whose role changes only when they hand the project to another member" }]);

/** A project's members ($1) as its researchers see them; callers add conditions with AND. */
export const MEMBERS = `SELECT m.user_id AS "userId", u.display_name AS "displayName", u.email, m.role
  FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1`;

/**
 * Who works on a project and in which role: owner (its creator, until they hand it over), collaborators (who administer it with the owner),
 * scientists (who design workflows and download data) and moderators. Researchers see the list; administrators
 * change roles and remove members; people join by accepting an invitation (`InvitationsService`).
 */
@Injectable()
export class MembersService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly access: ProjectAccess) {}

  async list(projectId: string, user: AuthUser): Promise<{ members: MemberView[] }> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    return { members: await this.db.query(`${MEMBERS} ORDER BY CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, u.display_name, m.user_id`, [projectId]) };
  }

  /**
   * Changes the role of the member with this email. Whoever is not a member yet is invited (`InvitationsService`):
   * nobody joins a project without accepting, and the answer here says nothing of whether an email has an account.
   */
  async set(projectId: string, input: MemberRoleInput, user: AuthUser): Promise<MemberView> {
    await this.access.requireAdministrator(projectId, user, '/params/id');
    const [member] = await this.db.query(`${MEMBERS} AND u.email = $2`, [projectId, input.email]);
    if (!member) {
      throw validationFailed([{ pointer: '/email', message: `names no member of this project; invite them with POST /projects/${projectId}/invitations, and they join once they accept` }]);
    }
    if (member.role === 'owner') throw ownersRoleStays('/email');
    if (input.role === 'owner') return this.handOver(projectId, member, user);
    // Never the owner's row, even one handed over since it was read above.
    await this.db.transaction(async (manager) => {
      const [, changed] = await manager.query("UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2 AND role <> 'owner'", [projectId, member.userId, input.role]);
      if (!changed) throw ownersRoleStays('/email');
      await liftBanOnJoiningTeam(manager, projectId, member.userId);
    });
    return { ...member, role: input.role };
  }

  /**
   * The owner hands the project to another member (so that their own account can be deleted, say), staying on as a
   * collaborator. The project's owner is in two places, `projects.owner_id` and the owner's role, changed together
   * here under the locks that everything else that reads or changes them takes: the project's row, the new owner's
   * membership (so that they cannot leave, be removed or be given another role meanwhile) and their account (whose
   * deletion, which refuses owners, waits and then sees the project).
   */
  private async handOver(projectId: string, member: MemberView, user: AuthUser): Promise<MemberView> {
    await this.db.transaction(async (manager) => {
      const [project] = await manager.query<{ owner_id: string }[]>('SELECT owner_id FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      if (project?.owner_id !== accountIdOf(user)) throw forbidden("Only the project's owner can hand it over.");
      const [membership] = await manager.query<{ role: string }[]>('SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2 FOR UPDATE', [projectId, member.userId]);
      if (!membership) throw validationFailed([{ pointer: '/email', message: 'names someone who left the project meanwhile' }]);
      const [account] = await manager.query("SELECT 1 FROM users WHERE id = $1 AND kind = 'registered' FOR SHARE", [member.userId]);
      if (!account) throw validationFailed([{ pointer: '/email', message: 'names an account deleted meanwhile' }]);
      await manager.query("UPDATE project_members SET role = CASE WHEN user_id = $2 THEN 'owner' ELSE 'collaborator' END WHERE project_id = $1 AND user_id IN ($2, $3)", [
        projectId,
        member.userId,
        project.owner_id,
      ]);
      await manager.query('UPDATE projects SET owner_id = $2 WHERE id = $1', [projectId, member.userId]);
      await liftBanOnJoiningTeam(manager, projectId, member.userId);
    });
    return { ...member, role: 'owner' };
  }

  /** Administrators remove anyone but the owner (even one handed the project a moment ago); any other member may leave. */
  async remove(projectId: string, userId: string, user: AuthUser): Promise<{ removed: string }> {
    if (accountIdOf(user) === userId) await this.access.readable(projectId, user, '/params/id');
    else await this.access.requireAdministrator(projectId, user, '/params/id');
    const [, removed] = await this.db.query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2 AND role <> 'owner'", [projectId, userId]);
    if (removed) return { removed: userId };
    const member = await this.db.getRepository(ProjectMember).findOneBy({ projectId, userId });
    if (!member) throw notFound(`Member ${userId} of this project`, '/params/userId');
    throw validationFailed([{ pointer: '/params/userId', message: "is the project's owner, who cannot be removed; they may hand the project to another member first" }]);
  }
}
