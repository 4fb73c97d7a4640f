import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RESEARCHER_ROLES } from '@chorus/client';
import type { NewsSubscribers, NewsSubscription, ProjectNews, ProjectNewsPage } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { ProblemException, notFound, validationFailed } from '../common/problem';
import { type RateLimitNote, tooManyRequests } from '../common/rate-limits';
import { cursorTimeSql } from '../common/sql';
import { timePage } from '../common/time-pages';
import { IdempotentRequests } from '../idempotent-requests/idempotent-requests';
import { MAILED_READER_SQL } from '@chorus/db';
import { ProjectAccess } from '../projects/project-access';
import { type NewsEdit, type NewsInput, type NewsQuery } from './dto/project-news.dto';
import { NewsDeliveries } from './news-deliveries';

/** Ends the account's subscription to the project's news (from its page, or a news mail's one-click stop); again, nothing changes. */
export async function unsubscribeFromNews(db: Pick<DataSource, 'query'>, userId: string, projectId: string): Promise<void> {
  await db.query('DELETE FROM news_subscriptions WHERE user_id = $1 AND project_id = $2', [userId, projectId]);
}

/** A project mails its news at most once in this long (a post with `mail: true` sooner is refused, 429). */
export const NEWS_MAIL_EVERY_HOURS = 24;

interface NewsRow {
  id: string;
  project_id: string;
  title: string;
  body: string;
  author_name: string | null;
  created_at: Date;
  edited_at: Date | null;
  mailed_at: Date | null;
  mailed_to: number | null;
  /** `created_at` to the microsecond, for the cursor. */
  cursor_time: string;
}

/** The project's ($1) news, or the item named ($2), newest first, after the cursor ($3, $4), $5 at most. A deleted account is named by no one. */
const NEWS = `
  SELECT n.id, n.project_id, n.title, n.body, u.display_name AS author_name, n.created_at, n.edited_at, n.mailed_at, n.mailed_to,
         ${cursorTimeSql('n.created_at')} AS cursor_time
  FROM project_news n LEFT JOIN users u ON u.id = n.author_id AND u.kind = 'registered'
  WHERE n.project_id = $1 AND ($2::uuid IS NULL OR n.id = $2) AND ($3::timestamptz IS NULL OR (n.created_at, n.id) < ($3::timestamptz, $4::uuid))
  ORDER BY n.created_at DESC, n.id DESC
  LIMIT $5`;

/**
 * Who gets the project's ($1) news by mail now (`MAILED_READER_SQL`): asked as the item is posted and again as each
 * mail is written (a draft's, or a project taken down's, subscribers are its members only).
 */
const SUBSCRIBERS = `
  FROM news_subscriptions s JOIN users u ON u.id = s.user_id JOIN projects p ON p.id = s.project_id
  WHERE s.project_id = $1 AND ${MAILED_READER_SQL}`;

/** Seconds until the project ($1) may mail news again (none: it may now), by the database's clock. */
const MAIL_WAIT = `SELECT (SELECT ceil(extract(epoch FROM mailed_at + interval '${NEWS_MAIL_EVERY_HOURS} hours' - now()))::int
  FROM project_news_mailings WHERE project_id = $1) AS wait`;

/** When the project ($1) may mail news again, if not now. */
const MAY_MAIL_AT = `SELECT (SELECT CASE WHEN mailed_at > now() - interval '${NEWS_MAIL_EVERY_HOURS} hours' THEN mailed_at + interval '${NEWS_MAIL_EVERY_HOURS} hours' END
  FROM project_news_mailings WHERE project_id = $1) AS at`;

/** The item as answered; how many it was mailed to, and when, only to the project's researchers (`forResearchers`). */
const toView = (row: NewsRow, forResearchers = true): ProjectNews => ({
  id: row.id,
  projectId: row.project_id,
  title: row.title,
  body: row.body,
  author: { displayName: row.author_name },
  createdAt: row.created_at.toISOString(),
  editedAt: row.edited_at?.toISOString() ?? null,
  ...(forResearchers ? { mailedAt: row.mailed_at?.toISOString() ?? null, mailedTo: row.mailed_to } : {}),
});

const signInToSubscribe = () =>
  new ProblemException(403, 'Only a signed-in volunteer with an account gets a project’s news by mail: create one (POST /api/v1/auth/register), verify its email and sign in.', undefined, 'account-required');

/**
 * A project's news (Zooniverse's project announcements): its researchers post, edit and delete items; anyone who may
 * see the project reads them. An item posted with `mail` records, in the post's own transaction, as its recipients each
 * account that asked for the project's news by mail (`news_subscriptions`, off until asked for) and has a verified
 * email; `NewsDeliveries` mails them later, in each account's language, with a one-click unsubscription; a project mails at most once every
 * `NEWS_MAIL_EVERY_HOURS` hours.
 */
@Injectable()
export class ProjectNewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly idempotentRequests: IdempotentRequests,
    private readonly deliveries: NewsDeliveries,
  ) {}

  async list(projectId: string, { limit, after }: NewsQuery, user: AuthUser | undefined): Promise<ProjectNewsPage> {
    const forResearchers = await this.readableBy(projectId, user);
    const rows = await this.db.query<NewsRow[]>(NEWS, [projectId, null, after?.time ?? null, after?.id ?? null, limit + 1]);
    const { page, next } = timePage(rows, limit);
    return { news: page.map((row) => toView(row, forResearchers)), next };
  }

  async one(projectId: string, newsId: string, user: AuthUser | undefined): Promise<ProjectNews> {
    const forResearchers = await this.readableBy(projectId, user);
    return toView(await this.rowOf(this.db.manager, projectId, newsId), forResearchers);
  }

  /** Asserts the caller may see the project; answers whether they are one of its researchers. */
  private async readableBy(projectId: string, user: AuthUser | undefined): Promise<boolean> {
    await this.access.readable(projectId, user, '/params/id');
    const role = await this.access.roleOf(projectId, user);
    return role !== undefined && RESEARCHER_ROLES.includes(role);
  }

  /** Posts the item, and with `mail` records its recipients in the same transaction (their mails are written as they are sent). */
  async post(projectId: string, { title, body, mail }: NewsInput, user: AuthUser, note: RateLimitNote): Promise<ProjectNews> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const news = await this.db.transaction(async (manager) => {
      if (mail) await this.assertMayMail(manager, projectId, note);
      const [{ id }] = await manager.query<{ id: string }[]>('INSERT INTO project_news (project_id, author_id, title, body) VALUES ($1, $2, $3, $4) RETURNING id', [
        projectId,
        user.id,
        title,
        body,
      ]);
      if (mail) await this.recordRecipients(manager, projectId, id!);
      const view = toView(await this.rowOf(manager, projectId, id!));
      await this.idempotentRequests.keepAnswerIn(manager, { body: view });
      return view;
    });
    if (mail) this.deliveries.writeSoon();
    return news;
  }

  /** Rewrites the item, noting when; an item mailed is not mailed again. */
  async edit(projectId: string, newsId: string, { title, body }: NewsEdit, user: AuthUser): Promise<ProjectNews> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    if (title === undefined && body === undefined) throw validationFailed([{ pointer: '', message: 'changes nothing: give the new title, the new body, or both' }]);
    const [, changed] = await this.db.query<[unknown, number]>(
      'UPDATE project_news SET title = coalesce($3, title), body = coalesce($4, body), edited_at = now() WHERE project_id = $1 AND id = $2',
      [projectId, newsId, title ?? null, body ?? null],
    );
    if (!changed) throw notFound(`News item ${newsId} of this project`, '/params/newsId');
    return toView(await this.rowOf(this.db.manager, projectId, newsId));
  }

  /** Deletes the item (its mails, if any were sent, are out of Chorus's reach). */
  async delete(projectId: string, newsId: string, user: AuthUser): Promise<void> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const [, deleted] = await this.db.query<[unknown, number]>('DELETE FROM project_news WHERE project_id = $1 AND id = $2', [projectId, newsId]);
    if (!deleted) throw notFound(`News item ${newsId} of this project`, '/params/newsId');
  }

  async subscription(projectId: string, user: AuthUser): Promise<NewsSubscription> {
    const account = this.assertAccount(user);
    await this.access.readable(projectId, user, '/params/id');
    return this.subscriptionOf(projectId, account);
  }

  /** Subscribes (`true`) or unsubscribes the caller; the same again changes nothing. */
  async subscribe(projectId: string, user: AuthUser, subscribed: boolean): Promise<NewsSubscription> {
    const account = this.assertAccount(user);
    await this.access.readable(projectId, user, '/params/id');
    if (subscribed) await this.db.query('INSERT INTO news_subscriptions (user_id, project_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [account, projectId]);
    else await unsubscribeFromNews(this.db, account, projectId);
    return this.subscriptionOf(projectId, account);
  }

  async subscribers(projectId: string, user: AuthUser): Promise<NewsSubscribers> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const [{ subscribers }] = await this.db.query<{ subscribers: number }[]>(`SELECT count(*)::int AS subscribers ${SUBSCRIBERS}`, [projectId]);
    const [{ at }] = await this.db.query<{ at: Date | null }[]>(MAY_MAIL_AT, [projectId]);
    return { projectId, subscribers: subscribers!, mayMailAt: at?.toISOString() ?? null };
  }

  /** Refused (429) when the project mailed news less than `NEWS_MAIL_EVERY_HOURS` ago; one post with `mail` at a time per project. */
  private async assertMayMail(manager: EntityManager, projectId: string, note: RateLimitNote): Promise<void> {
    await manager.query("SELECT pg_advisory_xact_lock(hashtext('project news mail'), hashtext($1))", [projectId]);
    const [{ wait }] = await manager.query<{ wait: number | null }[]>(MAIL_WAIT, [projectId]);
    const window = { limit: 1, resetSeconds: NEWS_MAIL_EVERY_HOURS * 3600 };
    if (wait !== null && wait! > 0) {
      throw tooManyRequests(
        (when) => `This project mailed news less than ${NEWS_MAIL_EVERY_HOURS} hours ago: mail again in ${when}, or post this news without mail (it is shown on the project’s page either way).`,
        { ...window, resetSeconds: wait! },
      );
    }
    note({ ...window, remaining: 0 });
  }

  /**
   * Records who gets the item by mail, in one statement; when anyone does, the project's day without news mail starts
   * (kept for the project in `project_news_mailings`, so that deleting the item does not end it).
   */
  private async recordRecipients(manager: EntityManager, projectId: string, newsId: string): Promise<void> {
    const [{ recipients }] = await manager.query<{ recipients: number }[]>(
      `WITH recorded AS (INSERT INTO news_deliveries (news_id, user_id) SELECT $2::uuid, u.id ${SUBSCRIBERS} RETURNING 1) SELECT count(*)::int AS recipients FROM recorded`,
      [projectId, newsId],
    );
    await manager.query('UPDATE project_news SET mailed_at = now(), mailed_to = $2 WHERE id = $1', [newsId, recipients]);
    if (!recipients) return;
    await manager.query(
      'INSERT INTO project_news_mailings (project_id, mailed_at) VALUES ($1, now()) ON CONFLICT (project_id) DO UPDATE SET mailed_at = excluded.mailed_at',
      [projectId],
    );
  }

  private async rowOf(manager: EntityManager, projectId: string, newsId: string): Promise<NewsRow> {
    const [row] = await manager.query<NewsRow[]>(NEWS, [projectId, newsId, null, null, 1]);
    if (!row) throw notFound(`News item ${newsId} of this project`, '/params/newsId');
    return row;
  }

  private async subscriptionOf(projectId: string, account: string): Promise<NewsSubscription> {
    const [row] = await this.db.query<{ subscribed: boolean; verified: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM news_subscriptions WHERE user_id = $1 AND project_id = $2) AS subscribed, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1`,
      [account, projectId],
    );
    return { projectId, subscribed: row?.subscribed ?? false, emailVerified: row?.verified ?? false };
  }

  private assertAccount(user: AuthUser): string {
    if (user.kind !== 'registered') throw signInToSubscribe();
    return user.id;
  }
}
