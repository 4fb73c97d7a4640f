import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { MemberView } from '@chorus/client';
import { ProjectMember, User } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
import { ProjectAccess, accountIdOf } from '../projects/project-access';
import type { MemberInput } from './dto/member.dto';

const MEMBERS = `SELECT m.user_id AS "userId", u.display_name AS "displayName", u.email, m.role
  FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = $1`;

/**
 * Who works on a project and in which role: owner (its creator), collaborators (who administer it with the owner),
 * scientists (who design workflows and download data) and moderators. Researchers see the list; administrators
 * change it.
 */
@Injectable()
export class MembersService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly access: ProjectAccess) {}

  async list(projectId: string, user: AuthUser): Promise<{ members: MemberView[] }> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    return { members: await this.db.query(`${MEMBERS} ORDER BY CASE m.role WHEN 'owner' THEN 0 ELSE 1 END, u.display_name, m.user_id`, [projectId]) };
  }

  /** Adds the account with this email, or changes its role. */
  async set(projectId: string, input: MemberInput, user: AuthUser): Promise<MemberView> {
    await this.access.requireAdministrator(projectId, user, '/params/id');
    const account = await this.db.getRepository(User).findOneBy({ email: input.email, kind: 'registered' });
    if (!account) throw validationFailed([{ pointer: '/email', message: 'names no registered account; ask them to register first (a guest has no email)' }]);
    const [changed] = await this.db.query(
      `INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role WHERE project_members.role <> 'owner'
       RETURNING user_id`,
      [projectId, account.id, input.role],
    );
    if (!changed) throw validationFailed([{ pointer: '/email', message: "is the project's owner, whose role does not change" }]);
    return (await this.db.query(`${MEMBERS} AND m.user_id = $2`, [projectId, account.id]))[0];
  }

  /** Administrators remove anyone but the owner; any other member may leave. */
  async remove(projectId: string, userId: string, user: AuthUser): Promise<{ removed: string }> {
    if (accountIdOf(user) === userId) await this.access.readable(projectId, user, '/params/id');
    else await this.access.requireAdministrator(projectId, user, '/params/id');
    const member = await this.db.getRepository(ProjectMember).findOneBy({ projectId, userId });
    if (!member) throw notFound(`Member ${userId} of this project`, '/params/userId');
    if (member.role === 'owner') throw validationFailed([{ pointer: '/params/userId', message: "is the project's owner, who cannot be removed" }]);
    await this.db.getRepository(ProjectMember).delete({ projectId, userId });
    return { removed: userId };
  }
}
