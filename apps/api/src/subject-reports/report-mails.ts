import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { EmailLinks } from '../auth/email-links';
import { retryOnDeadlock } from '../common/sql';
import { reportsMail } from '../mail/mails';
import { Mailer } from '../mail/mailer';
import { UnsubscribeLinks } from '../unsubscriptions/unsubscribe-links';
import { MODERATING_SQL } from '../projects/project-access';
import { type OpenReports, openReportsSql } from './open-reports-sql';

/** How long a moderator is not mailed again of a project's reports once mailed. */
const MAILED_AGAIN_AFTER = "interval '1 hour'";


/**
 * The moderators and researchers of project $1 (`MODERATING_SQL`) who are mailed of a report by $2 now, marked
 * mailed (`reports_mailed_at`) in the same statement, so that two reports at once mail each of them once: those who
 * did not turn the mails off (`report_mails`), have a verified email, are not the reporter, and were not mailed of the
 * project's reports within the hour. With what waits for them (`openReportsSql`) and the project's title and slug. The
 * readers' rows held until the mail is kept (as the discussion mails hold theirs), so that an account turning the mails off
 * meanwhile waits, then drops the mail kept here, or is read with them off.
 */
const MAILED = `
  WITH readers AS (
    SELECT u.id, u.email, u.display_name, u.language FROM users u JOIN project_members m ON m.user_id = u.id
    WHERE m.project_id = $1 AND ${MODERATING_SQL} AND u.id <> $2
      AND u.report_mails AND u.kind = 'registered' AND u.email IS NOT NULL AND u.email_verified_at IS NOT NULL
    FOR SHARE OF u
  ), mailed AS (
    UPDATE project_members m SET reports_mailed_at = now() FROM readers u
    WHERE m.project_id = $1 AND m.user_id = u.id AND ${MODERATING_SQL}
      AND (m.reports_mailed_at IS NULL OR m.reports_mailed_at <= now() - ${MAILED_AGAIN_AFTER})
    RETURNING u.id AS user_id, u.email, u.display_name, u.language)
  SELECT mailed.*, p.title AS project_title, p.slug AS project_slug, open.*
  FROM mailed JOIN projects p ON p.id = $1 CROSS JOIN LATERAL (SELECT ${openReportsSql('p.id')}) open`;

interface MailedRow extends OpenReports {
  user_id: string;
  email: string;
  display_name: string;
  language: string | null;
  project_title: string;
  project_slug: string;
}

/**
 * Mails a project's moderators as a volunteer reports a comment or subject there: how many reports are open, and a
 * link to where the lab lists them (`EmailLinks.reportsPages`), at most once an hour per moderator and project (a burst of reports makes one
 * mail; what came after it, the lab's count shows).
 */
@Injectable()
export class ReportMails {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly mailer: Mailer,
    private readonly links: EmailLinks,
    private readonly unsubscribeLinks: UnsubscribeLinks,
  ) {}

  /**
   * After a report by `reporterId` in project `projectId` (opened, or opened again), once its answer has gone: the
   * report stands whatever happens to its mails (a failure is logged).
   */
  tell(projectId: string, reporterId: string): void {
    this.mailer.afterAnswer(`mail the moderators of project ${projectId} of a report`, async () => {
      if (await retryOnDeadlock(() => this.keep(projectId, reporterId))) this.mailer.sendKept();
    });
  }

  /** Marks the moderators mailed and keeps their mails in one transaction: neither without the other. Whether any was kept. */
  private async keep(projectId: string, reporterId: string): Promise<boolean> {
    const settingsPage = this.links.page('account#report-mails');
    return this.db.transaction(async (manager) => {
      const rows = await manager.query<MailedRow[]>(MAILED, [projectId, reporterId]);
      const mails = await Promise.all(
        rows.map(async (row) => {
          const unsubscribe = await this.unsubscribeLinks.link(row.user_id, { mails: 'reportMails' });
          const words = { projectTitle: row.project_title, comments: row.comments, subjects: row.subjects, reportsPages: this.links.reportsPages(row.project_slug, row), settingsPage, unsubscribeLink: unsubscribe.page };
          return { ...reportsMail({ email: row.email, displayName: row.display_name, language: row.language }, words, unsubscribe.post), userId: row.user_id };
        }),
      );
      await this.mailer.keepAllInTransaction(manager, mails);
      return mails.length > 0;
    });
  }
}
