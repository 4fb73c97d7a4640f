import { ADMINISTRATOR_ROLES, LISTED_PROJECT_STATUSES, MODERATION_ROLES, RESEARCHER_ROLES, REVIEW_ROLES } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PUBLIC_PROJECT_SQL, PUBLIC_PROJECT_STATUSES, Project, ProjectMember, type ProjectRole, type Workflow } from '@chorus/db';
import type { Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { forbidden, notFound } from '../common/problem';
import { routeAccess } from './access-first';


/** Whether a project is open to volunteers (`PUBLIC_PROJECT_STATUSES`, not taken down). */
export const isPublicProject = (project: Pick<Project, 'status' | 'takenDownAt'>): boolean => PUBLIC_PROJECT_STATUSES.includes(project.status) && !project.takenDownAt;
/**
 * Whether a workflow is open to those who are not its project's members (volunteers): published (not a draft) in a
 * public project. To anyone else, a workflow that is not is as if there were none.
 */
export const isPublicWorkflow = (workflowStatus: Workflow['status'], project: Pick<Project, 'status' | 'takenDownAt'>): boolean =>
  workflowStatus !== 'draft' && isPublicProject(project);
/** Whether project `p` is in everyone's list (`LISTED_PROJECT_STATUSES`, not taken down), in SQL. */
export const LISTED_PROJECT_SQL = `(p.status IN (${LISTED_PROJECT_STATUSES.map((status) => `'${status}'`).join(', ')}) AND p.taken_down_at IS NULL)`;
/** `isPublicWorkflow` in SQL, of a workflow `w` and its project `p`. */
export const PUBLIC_WORKFLOW_SQL = `(w.status <> 'draft' AND ${PUBLIC_PROJECT_SQL})`;
/**
 * Whether the caller (`account`: the SQL of their `accountIdOf`) may see workflow `w` of project `p` now: it is public
 * (`PUBLIC_WORKFLOW_SQL`), or they are a member of its project. What is theirs there (their classifications and
 * favourites) is listed to them either way, marked `open` by this.
 */
export const openToCallerSql = (account: string): string =>
  `(${PUBLIC_WORKFLOW_SQL} OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ${account}))`;
/** Membership `m` is one of `roles`. */
const roleInSql = (roles: readonly string[]): string => `m.role IN (${roles.map((role) => `'${role}'`).join(', ')})`;
/** Membership `m` is one that moderates its project: a moderator's or a researcher's (`MODERATION_ROLES`). */
export const MODERATING_SQL = roleInSql(MODERATION_ROLES);
/** Whether the caller (`account`: the SQL of their `accountIdOf`) is on the team of project `p`: one of its moderators or researchers (`MODERATING_SQL`). */
export const onTeamSql = (account: string): string => `EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ${account} AND ${MODERATING_SQL})`;
/**
 * Whether `account` (SQL) moderates or researches at least one project (`moderates`: `MODERATING_SQL`), whose reports it
 * may be mailed of, and whether it researches one (`researches`: `RESEARCHER_ROLES`), whose completed workflows it may be
 * mailed of: one row, from one read of its memberships (by `project_members_user_idx`).
 */
export const projectRolesSql = (account: string): string =>
  `(SELECT count(*) FILTER (WHERE ${MODERATING_SQL}) > 0 AS moderates, count(*) FILTER (WHERE ${roleInSql(RESEARCHER_ROLES)}) > 0 AS researches FROM project_members m WHERE m.user_id = ${account})`;

/**
 * The caller's user id where a project role may count, or null: only an account's own token carries its roles (a
 * guest's token, even one whose guest became that account, has none).
 */
export const accountIdOf = (user: AuthUser | undefined): string | null => (user?.kind === 'registered' ? user.id : null);

/** Who may see and change a project: one place for the rule. */
@Injectable()
export class ProjectAccess {
  constructor(
    @InjectRepository(Project) private readonly projects: Repository<Project>,
    @InjectRepository(ProjectMember) private readonly members: Repository<ProjectMember>,
  ) {}

  async roleOf(projectId: string, user: AuthUser | undefined): Promise<ProjectRole | undefined> {
    const account = accountIdOf(user);
    if (!account) return undefined;
    const member = await this.members.findOneBy({ projectId, userId: account });
    return member?.role;
  }

  /**
   * The project, if the caller may see it: live projects are public, others only for members. To others, what they
   * named (`named`: a workflow or set of the project, say) was not found.
   */
  async readable(projectId: string, user: AuthUser | undefined, pointer?: string, named?: string): Promise<Project> {
    const project = await this.projects.findOneBy({ id: projectId });
    if (!project) throw notFound(named ?? `Project ${projectId}`, pointer);
    await this.assertReadable(project, user, pointer, named);
    return project;
  }

  // Not the id: a project asked for by its slug must not give its id away.
  async assertReadable(project: Project, user: AuthUser | undefined, pointer?: string, named = 'The project'): Promise<void> {
    if (isPublicProject(project)) return;
    if (await this.roleOf(project.id, user)) return;
    throw notFound(named, pointer);
  }

  /** Fails unless the caller is a researcher of the project. */
  async requireResearcher(projectId: string, user: AuthUser, pointer?: string, named?: string): Promise<Project> {
    return (await this.requireRole(projectId, user, RESEARCHER_ROLES, "the project's owner, collaborators and scientists", pointer, named)).project;
  }

  /**
   * Fails unless the caller moderates what volunteers send to the project (a moderator, or a researcher): the role
   * says how far they may go.
   */
  async requireModerator(projectId: string, user: AuthUser, pointer?: string, named?: string): Promise<ProjectRole> {
    return (await this.requireRole(projectId, user, MODERATION_ROLES, "the project's moderators and researchers", pointer, named)).role;
  }

  /**
   * Fails unless the caller checks the project's consensus (a reviewer, or a researcher): the role says how far they
   * may go.
   */
  async requireReviewer(projectId: string, user: AuthUser, pointer?: string, named?: string): Promise<ProjectRole> {
    return (await this.requireRole(projectId, user, REVIEW_ROLES, "the project's reviewers and researchers", pointer, named)).role;
  }

  /** Fails unless the caller administers the project (its owner or a collaborator): who its members are, for one. */
  async requireAdministrator(projectId: string, user: AuthUser, pointer?: string): Promise<Project> {
    return (await this.requireRole(projectId, user, ADMINISTRATOR_ROLES, "the project's owner and collaborators", pointer)).project;
  }

  /** Fails unless the caller owns the project: what only its owner may do (delete it, hand it over). */
  async requireOwner(projectId: string, user: AuthUser, pointer?: string): Promise<Project> {
    return (await this.requireRole(projectId, user, ['owner'], "the project's owner", pointer)).project;
  }

  private async requireRole(
    projectId: string,
    user: AuthUser,
    roles: readonly ProjectRole[],
    who: string,
    pointer?: string,
    named?: string,
  ): Promise<{ project: Project; role: ProjectRole }> {
    const project = await this.readable(projectId, user, pointer, named);
    const role = await this.roleOf(projectId, user);
    if (!role) throw forbidden(`Only ${who} may do this; ask the owner of "${project.title}" to invite you.`);
    if (!roles.includes(role)) throw forbidden(`Only ${who} may do this, and you are a ${role} of "${project.title}"; ask its owner for another role if you need it.`);
    return { project, role };
  }
}

/** A project's routes (`projects/:id/…`) for its researchers, its moderators (and researchers), and its administrators, asked first (`AccessFirst`). */
export const PROJECT_MODERATORS = routeAccess(ProjectAccess, (access, id, user) => access.requireModerator(id, user, '/params/id'));
export const PROJECT_RESEARCHERS = routeAccess(ProjectAccess, (access, id, user) => access.requireResearcher(id, user, '/params/id'));
export const PROJECT_ADMINISTRATORS = routeAccess(ProjectAccess, (access, id, user) => access.requireAdministrator(id, user, '/params/id'));
