import { type AboutPageKind, MODERATION_ROLES, type ProjectLanguages, type ProjectTakeDown, searchWordsOf } from '@chorus/client';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Project, ProjectFormerSlug, ProjectMember, Workflow, completeWorkflows } from '@chorus/db';
import { type DataSource, type EntityManager, In } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { lockAccount } from '../account/account-lock';
import { isOperator } from '../auth/operators';
import { accountDeleted, conflict, emailUnverified, forbidden, notFound, validationFailed } from '../common/problem';
import { listedDescriptionOf } from '../common/plain-text';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { UNIQUE_VIOLATION, containsFoldedIndexedSql, cursorTimeSql, researchersTransaction, retryOnDeadlock } from '../common/sql';
import { timeCursor } from '../common/zod';
import { deleteUnclassifiedWorkflows } from '../workflows/workflow-deletion';
import { type CreateProjectInput, type ProjectListQuery, type TakeDownInput, UUID_SHAPED, type UpdateProjectInput, slugify } from './dto/project.dto';
import { workflowSummary } from '../workflows/workflow-progress';
import { LISTED_PROJECT_SQL, ProjectAccess, accountIdOf } from './project-access';
import { type OpenReports, openReportsSql } from '../subject-reports/open-reports-sql';
import { handOverDemoProject } from '../demo/demo-handover';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { aboutPageKinds } from '../about-pages/about-pages-sql';

/**
 * A project's image goes with the words that describe it (read out in its place): an image set needs them in the same
 * request (words for the image before would describe another); words without an image, or taken from one, are
 * refused. Taking the image away (null) takes its words with it.
 */
function refuseImageWithoutWords({ imageUrl, imageAlt }: UpdateProjectInput, imageNow: string | null): void {
  if (typeof imageUrl === 'string' && typeof imageAlt !== 'string') {
    throw validationFailed([{ pointer: '/imageAlt', message: 'describe what the image shows, for volunteers who cannot see it: an image is set with its description' }]);
  }
  const image = imageUrl === undefined ? imageNow : imageUrl;
  if (image !== null && imageAlt === null) {
    throw validationFailed([{ pointer: '/imageAlt', message: 'an image keeps its description; to take both away, send imageUrl: null' }]);
  }
  if (image === null && typeof imageAlt === 'string') {
    throw validationFailed([{ pointer: '/imageAlt', message: 'describes an image the project does not have: send imageUrl with it' }]);
  }
}

/** Whether the language tag `column` is `tag` or one of its varieties (`fr-CA` of `fr`), whatever their case, in SQL. */
const languageOrVarietySql = (column: string, tag: string): string => `(lower(${column}) = lower(${tag}) OR starts_with(lower(${column}), lower(${tag}) || '-'))`;

/** Why a project may not go live: a new account shows first that its email is its owner's. */
const PUBLISHING = { pointer: '/status', message: 'a project goes live (public) only from an account whose email is verified' };

export type ProjectView = Omit<Project, 'listedDescription'> & { aboutPages: AboutPageKind[]; role: ProjectMember['role'] | null; workflows: ReturnType<typeof workflowSummary>[]; openReports: OpenReports | null };
/** A project as the list gives it: neither its field guide nor its About pages (one more query for each project listed). */
export type ProjectSummary = Omit<ProjectView, 'fieldGuide' | 'aboutPages'>;
/** A page of the project list, and the cursor of the next (null on the last). */
export interface ProjectPage {
  projects: ProjectSummary[];
  next: string | null;
}

@Injectable()
export class ProjectsService {
  private readonly logger = new Logger(ProjectsService.name);
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly idempotentRequests: IdempotentRequests,
  ) {}

  /**
   * A slug chosen by the researchers must be free; one made from the title is numbered (`-2`, `-3`, …) when other
   * projects have it, so a common title never blocks anyone.
   */
  async create(input: CreateProjectInput, user: AuthUser): Promise<ProjectView> {
    if (user.kind === 'guest') throw forbidden('Guests cannot create projects; register with POST /api/v1/auth/register first.');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insert(input, user);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        if (input.slug) throw conflict(`The slug "${input.slug}" is taken; choose another with the "slug" field.`, 'slug-taken');
        // Only a project given a numbered slug of this title by its researchers at the same moment: look again.
        if (attempt === 3) throw conflict(`No free slug could be made from the title "${input.title}"; choose one with the "slug" field.`, 'slug-taken');
      }
    }
  }

  private insert(input: CreateProjectInput, user: AuthUser): Promise<ProjectView> {
    return this.db.transaction(async (manager) => {
      // Locked against the owner's deletion (which refuses an owner of projects) until this one is made.
      const account = await lockAccount(manager, user);
      if (!account) throw accountDeleted();
      if (input.status === 'live' && !account.emailVerified) throw emailUnverified(PUBLISHING);
      if (input.slug) await this.refuseFormerSlug(manager, input.slug);
      const slug = input.slug ?? (await this.freeSlugFor(manager, input.title));
      const { listedDescription: _listed, ...saved } = await manager.save(manager.create(Project, { ...input, listedDescription: listedDescriptionOf(input.description), slug, imageUrl: null, imageAlt: null, resultsPublic: false, ownerId: user.id }));
      await manager.save(manager.create(ProjectMember, { projectId: saved.id, userId: user.id, role: 'owner' }));
      await handOverDemoProject(manager, user.id);
      const created: ProjectView = { ...saved, aboutPages: [], role: 'owner', workflows: [], openReports: { comments: 0, subjects: 0, subjectWorkflows: [] } };
      await this.idempotentRequests.keepAnswerIn(manager, { body: created });
      return created;
    });
  }

  /**
   * The title's slug, or the first numbered one (`-2`, `-3`, …) that no project has. Projects of one title made at the
   * same moment take turns, each seeing the slugs of those before it.
   */
  private async freeSlugFor(manager: EntityManager, title: string): Promise<string> {
    const base = slugify(title);
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('project slug ' || $1))", [base]);
    const taken: { slug: string }[] = await manager.query(
      `SELECT slug FROM projects WHERE slug = $1 OR slug ~ ('^' || $1 || '-[0-9]+$')
       UNION ALL SELECT slug FROM project_former_slugs WHERE slug = $1 OR slug ~ ('^' || $1 || '-[0-9]+$')`,
      [base],
    );
    const slugs = new Set(taken.map((row) => row.slug));
    if (!slugs.has(base)) return base;
    let number = 2;
    while (slugs.has(`${base}-${number}`)) number++;
    return `${base}-${number}`;
  }

  /**
   * Listed projects for everyone, plus every project the caller is a member of: each without its field guide and with
   * its description's opening only (a list of 500 projects with 200 KB guides would be 100 MB for every visitor).
   * `memberOnly`: only those the caller is a member of (their projects, in any status), with their role. Newest first,
   * a page at a time: those made before the cursor, so that projects made meanwhile do not move the pages after.
   * `language` and `status` narrow whom it lists, never widen it: a draft is still its members' only.
   */
  async list(user: AuthUser | undefined, { memberOnly, limit, before, search, language, status }: ProjectListQuery): Promise<ProjectPage> {
    const query = this.db
      .getRepository(Project)
      .createQueryBuilder('p')
      // Not the field guide (up to 200 KB each), which the list leaves out.
      .select(['p.id', 'p.slug', 'p.title', 'p.listedDescription', 'p.language', 'p.status', 'p.imageUrl', 'p.imageAlt', 'p.imageRemovedAt', 'p.imageRemovedReason', 'p.resultsPublic', 'p.ownerId', 'p.takenDownAt', 'p.takenDownReason', 'p.cameWithChorus', 'p.createdAt', 'p.updatedAt'])
      .addSelect(cursorTimeSql('p.created_at'), 'cursor_time');
    const membership = 'p.id IN (SELECT project_id FROM project_members WHERE user_id = :userId)';
    query.where(memberOnly ? membership : `(${LISTED_PROJECT_SQL} OR ${membership})`, { userId: accountIdOf(user) });
    if (before) query.andWhere('(p.createdAt, p.id) < (CAST(:beforeTime AS timestamptz), CAST(:beforeId AS uuid))', { beforeTime: before.time, beforeId: before.id });
    if (status) query.andWhere('p.status = :status', { status });
    // Tags are case-blind ("fr-ca" is "fr-CA"); a tag finds its varieties too (`fr`: `fr-CA`), as `languages` counts them.
    if (language) query.andWhere(languageOrVarietySql('p.language', ':language'), { language });
    for (const [index, word] of (search ? searchWordsOf(search) : []).entries()) {
      query.andWhere(`(${containsFoldedIndexedSql('p.title', `:word${index}`, word)} OR ${containsFoldedIndexedSql('p.slug', `:word${index}`, word)})`, { [`word${index}`]: word });
    }
    const { entities, raw } = await query
      .orderBy('p.createdAt', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit + 1)
      .getRawAndEntities<{ cursor_time: string }>();
    const page = entities.slice(0, limit);
    const last = page.at(-1);
    const listed = page.map(({ fieldGuide: _guide, description: _whole, listedDescription, ...project }) => ({ ...project, description: listedDescription }));
    const projects = await this.withWorkflows(listed, user, memberOnly);
    return { projects, next: entities.length > limit && last ? timeCursor(raw[limit - 1]!.cursor_time, last.id) : null };
  }

  /**
   * The languages of the listed projects (tags differing only in case counted as one), most first, each with how many
   * projects `list`'s `language` finds with it: those in it or in one of its varieties (`fr`: `fr` and `fr-CA`).
   */
  async languages(): Promise<ProjectLanguages> {
    const rows: { language: string; projects: number }[] = await this.db.query(
      `WITH listed AS (SELECT lower(p.language) AS language FROM projects p WHERE ${LISTED_PROJECT_SQL})
       SELECT tag.language, count(*)::int AS projects FROM (SELECT DISTINCT language FROM listed) tag
       JOIN listed ON ${languageOrVarietySql('listed.language', 'tag.language')}
       GROUP BY 1 ORDER BY projects DESC, 1`,
    );
    return { languages: rows.map(({ language, projects }) => ({ language: inCanonicalCase(language), projects })) };
  }

  /**
   * By id, by slug, or by a slug it had before (its view says the slug it has now). Slugs are stored in NFC: one typed
   * with "e" and a combining accent (as some keyboards send "é") finds the same project.
   */
  async get(idOrSlug: string, user: AuthUser | undefined): Promise<ProjectView> {
    const projects = this.db.getRepository(Project);
    const slug = idOrSlug.normalize('NFKC');
    const found = UUID_SHAPED.test(idOrSlug)
      ? await projects.findOneBy({ id: idOrSlug })
      : ((await projects.findOneBy({ slug })) ?? (await this.formerlyAt(slug)));
    // A project the caller may not see is not found in the same words as none at all, whatever named it.
    if (!found) throw notFound(`Project "${idOrSlug}"`, '/params/id');
    await this.access.assertReadable(found, user, '/params/id', `Project "${idOrSlug}"`);
    const [[view], aboutPages] = await Promise.all([this.withWorkflows([found], user, true), aboutPageKinds(this.db, found.id)]);
    return { ...view!, aboutPages };
  }

  private async formerlyAt(slug: string): Promise<Project | null> {
    const former = await this.db.getRepository(ProjectFormerSlug).findOneBy({ slug });
    return former ? this.db.getRepository(Project).findOneBy({ id: former.projectId }) : null;
  }

  /** Its title, slug, description, field guide, status, image and whether it publishes results are the administrators' (owner and collaborators). */
  async update(id: string, input: UpdateProjectInput, user: AuthUser): Promise<ProjectView> {
    await this.access.requireAdministrator(id, user, '/params/id');
    await this.db.transaction(async (manager) => {
      const [current]: { status: Project['status']; slug: string; image_url: string | null }[] = await manager.query('SELECT status, slug, image_url FROM projects WHERE id = $1 FOR UPDATE', [id]);
      if (!current) throw notFound(`Project ${id}`, '/params/id'); // deleted meanwhile
      refuseImageWithoutWords(input, current.image_url);
      // Paused and finished projects are public (their data stays readable, their answers are accepted): a project
      // that has never been live would be published by either.
      if (current.status === 'draft' && (input.status === 'paused' || input.status === 'finished')) {
        throw validationFailed([{ pointer: '/status', message: `cannot go from draft to ${input.status}: a project is ${input.status} only after it has been live; keep it draft until you launch it (live)` }]);
      }
      if (current.status === 'draft' && input.status === 'live' && !(await lockAccount(manager, user))?.emailVerified) throw emailUnverified(PUBLISHING);
      if (input.slug && input.slug !== current.slug) await this.moveSlug(manager, id, current.slug, input.slug);
      // No image: no description either. A new image: the operators' removal of the last one is no longer news.
      const image = input.imageUrl === null ? { imageAlt: null } : input.imageUrl ? { imageRemovedAt: null, imageRemovedReason: null } : {};
      await manager.getRepository(Project).update({ id }, { ...input, ...image, ...(input.description === undefined ? {} : { listedDescription: listedDescriptionOf(input.description) }) });
    }).catch((error: { code?: string }) => {
      if (error.code === UNIQUE_VIOLATION) throw conflict(`The slug "${input.slug}" is another project's; choose another.`, 'slug-taken');
      throw error;
    });
    return this.get(id, user);
  }

  /**
   * Takes the project down from the public (the operators of this Chorus only): whatever its status, it is then its
   * members' only, as a draft is (off the list, its workflows serving and taking nothing from volunteers), and they
   * see when and why. Taken down again, the reason is the new one's.
   */
  async takeDown(id: string, { reason }: TakeDownInput, user: AuthUser): Promise<ProjectTakeDown> {
    this.requireOperator(user);
    const [[row]]: [{ taken_down_at: Date }[], number] = await this.db.query(
      'UPDATE projects SET taken_down_at = coalesce(taken_down_at, now()), taken_down_reason = $2 WHERE id = $1 RETURNING taken_down_at',
      [id, reason],
    );
    if (!row) throw notFound(`Project ${id}`, '/params/id');
    return { projectId: id, takenDownAt: row.taken_down_at.toISOString(), takenDownReason: reason };
  }

  /** Puts a project taken down back as it was, its status unchanged (the operators of this Chorus only). */
  async restore(id: string, user: AuthUser): Promise<void> {
    this.requireOperator(user);
    const [, found]: [unknown, number] = await this.db.query('UPDATE projects SET taken_down_at = NULL, taken_down_reason = NULL WHERE id = $1', [id]);
    if (!found) throw notFound(`Project ${id}`, '/params/id');
  }

  /**
   * Takes an abusive image (and its description) off the project, which stays up (the operators of this Chorus only): its
   * members read when and why (until its administrators set another image), and the operator, the project, the address
   * removed and why are logged. A project with no image (removed already) is left as it is.
   */
  async removeImage(id: string, { reason }: TakeDownInput, user: AuthUser): Promise<void> {
    this.requireOperator(user);
    const removed = await this.db.transaction(async (manager) => {
      const [current]: { image_url: string | null }[] = await manager.query('SELECT image_url FROM projects WHERE id = $1 FOR UPDATE', [id]);
      if (!current) throw notFound(`Project ${id}`, '/params/id');
      if (current.image_url === null) return null;
      await manager.query(
        'UPDATE projects SET image_url = NULL, image_alt = NULL, image_removed_at = now(), image_removed_reason = $2, updated_at = now() WHERE id = $1',
        [id, reason],
      );
      return current.image_url;
    });
    // Quoted as JSON: a reason or an address with a line break in it cannot forge a line of the log.
    if (removed) this.logger.log(`operator ${user.id} removed the image of project ${id} (${JSON.stringify(removed)}): ${JSON.stringify(reason)}`);
  }

  private requireOperator(user: AuthUser): void {
    if (!isOperator(this.config, user)) throw forbidden('Only the operators of this Chorus (the accounts OPERATOR_IDS names) may take projects down, restore them or remove their images.');
  }

  /** The old slug keeps leading here; the new one may be one this project had before, never another project's. */
  private async moveSlug(manager: EntityManager, projectId: string, from: string, to: string): Promise<void> {
    await this.refuseFormerSlug(manager, to, projectId);
    await manager.query('DELETE FROM project_former_slugs WHERE slug = $1', [to]);
    // A slug taken while it was another's former one (before that was refused) now leads here, the last to have it.
    await manager.query(
      `INSERT INTO project_former_slugs (slug, project_id) VALUES ($1, $2)
       ON CONFLICT (slug) DO UPDATE SET project_id = EXCLUDED.project_id, replaced_at = now()`,
      [from, projectId],
    );
  }

  /**
   * A slug another project had stays that project's: its old links (in articles, on posters) must never lead
   * somewhere else.
   */
  private async refuseFormerSlug(manager: EntityManager, slug: string, projectId?: string): Promise<void> {
    const [former]: { project_id: string }[] = await manager.query('SELECT project_id FROM project_former_slugs WHERE slug = $1', [slug]);
    if (former && former.project_id !== projectId) {
      throw conflict(`The slug "${slug}" was another project's address, which still leads there; choose another.`, 'slug-taken');
    }
  }

  /**
   * Deletes a project nobody has classified in (a test draft, a mistake), with its workflows, subject sets, subjects,
   * members, invitations and its team's tries in draft workflows: its owner's, and not while it is live (volunteers
   * may be at work in it). One with other classifications is never deleted: they are volunteers' work; its owner may
   * hand it over instead.
   */
  async delete(id: string, user: AuthUser): Promise<void> {
    await this.access.requireOwner(id, user, '/params/id');
    await retryOnDeadlock(() =>
      researchersTransaction(this.db, async (manager) => {
        const [project]: { status: Project['status']; owner_id: string }[] = await manager.query('SELECT status, owner_id FROM projects WHERE id = $1 FOR UPDATE', [id]);
        if (!project) throw notFound(`Project ${id}`, '/params/id');
        // Handed over since the check above: no longer the caller's to delete.
        if (project.owner_id !== accountIdOf(user)) throw forbidden("Only the project's owner may delete it.");
        if (project.status === 'live') throw conflict('The project is live: take it back to draft first (PATCH { status: "draft" }), so that no volunteer is at work in it.', 'project-live');
        if (!(await deleteUnclassifiedWorkflows(manager, { projectId: id }))) {
          throw conflict('The project has classifications, which are never deleted; to leave it, hand it to another member (PUT /projects/:id/members with their email and role "owner").', 'project-classified');
        }
        await manager.query('DELETE FROM projects WHERE id = $1', [id]);
      }),
    );
  }

  /**
   * Volunteers see a project's active and finished workflows (a finished one is marked complete on its page, where
   * a notification of its completion leads); its members see them all. With `reportsCounted` (the lab's list, a
   * project's page), a project's moderators see its open reports too; everyone else, and every list, null.
   */
  private async withWorkflows<Shown extends Pick<Project, 'id'>>(projects: Shown[], user: AuthUser | undefined, reportsCounted: boolean): Promise<(Shown & Omit<ProjectSummary, keyof Project>)[]> {
    if (!projects.length) return [];
    const workflows = await this.db.getRepository(Workflow).find({
      where: { projectId: In(projects.map((project) => project.id)) },
      order: { createdAt: 'ASC' },
    });
    const account = accountIdOf(user);
    const memberships = account ? await this.db.getRepository(ProjectMember).findBy({ userId: account, projectId: In(projects.map((p) => p.id)) }) : [];
    const roleIn = new Map(memberships.map((member) => [member.projectId, member.role]));
    const shown = workflows.filter((workflow) => roleIn.has(workflow.projectId) || workflow.status === 'active' || workflow.status === 'finished');
    const moderated = reportsCounted ? memberships.filter((member) => MODERATION_ROLES.includes(member.role)).map((member) => member.projectId) : [];
    const [complete, reported] = await Promise.all([completeWorkflows(this.db, shown.map((workflow) => workflow.id)), this.openReportsIn(moderated)]);
    return projects.map((project) => ({
      ...project,
      ...(roleIn.has(project.id) ? {} : { imageRemovedAt: null, imageRemovedReason: null }),
      role: roleIn.get(project.id) ?? null,
      workflows: shown.filter((workflow) => workflow.projectId === project.id).map((workflow) => workflowSummary(workflow, complete)),
      openReports: reported.get(project.id) ?? null,
    }));
  }

  /** The open reports of the projects, in one statement for them all (none asked: none read). */
  private async openReportsIn(projectIds: string[]): Promise<Map<string, OpenReports>> {
    if (!projectIds.length) return new Map();
    const rows = await this.db.query<(OpenReports & { id: string })[]>(`SELECT p.id, ${openReportsSql('p.id')} FROM projects p WHERE p.id = ANY($1::uuid[])`, [projectIds]);
    return new Map(rows.map(({ id, ...open }) => [id, open]));
  }
}

/**
 * A tag with the case BCP 47 writes it in (`fr-ca` is `fr-CA`, `sr-latn` `sr-Latn`), as it is otherwise: never another
 * tag of the same language (`iw` stays `iw`, not `he`), which the list's `language` would not find.
 */
function inCanonicalCase(tag: string): string {
  const [canonical = tag] = Intl.getCanonicalLocales(tag);
  return canonical.toLowerCase() === tag ? canonical : tag;
}
