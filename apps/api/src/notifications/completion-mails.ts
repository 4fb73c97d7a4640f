import { MAILED_READER_SQL } from '@chorus/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { EmailLinks } from '../auth/email-links';
import { completionMail } from '../mail/mails';
import { Mailer, type ReaderMail } from '../mail/mailer';
import { OwedMails } from '../mail/owed-mails';
import { UnsubscribeLinks } from '../unsubscriptions/unsubscribe-links';

/** Mails written into the outbox at a time; no more is written while completion mails are still waiting there. */
export const COMPLETION_MAILS_A_BATCH = 100;

/**
 * Of the notifications $1 whose mails were owed, those still mailed, each reader's row held until the batch commits
 * (an email change, or a deletion, waits, then finds the mails to readdress or drop): to a reader who may still be
 * mailed of the project (`MAILED_READER_SQL`) and still asks for it, as one of its researchers when told (`team`:
 * `completion_mails`) or as a volunteer (`volunteer_completion_mails`).
 */
const MAILED = `
  SELECT u.id AS user_id, u.email, u.display_name, u.language, w.id AS workflow_id, w.name AS workflow_name,
         p.slug AS project_slug, p.title AS project_title, p.results_public, n.subjects_done, n.team
  FROM comment_notifications n JOIN users u ON u.id = n.user_id JOIN workflows w ON w.id = n.workflow_id JOIN projects p ON p.id = w.project_id
  WHERE n.id = ANY($1::uuid[]) AND ${MAILED_READER_SQL} AND CASE WHEN n.team THEN u.completion_mails ELSE u.volunteer_completion_mails END
  FOR SHARE OF u`;

interface Mailed {
  user_id: string;
  email: string;
  display_name: string;
  language: string | null;
  workflow_id: string;
  workflow_name: string;
  project_slug: string;
  project_title: string;
  results_public: boolean;
  subjects_done: number;
  team: boolean;
}

/**
 * Writes the mails of workflows' completions, a batch at a time (`OwedMails`), from the notifications the worker owed a
 * mail as it recorded each completion (`completion_mail_deliveries`): each in its reader's language, with its own
 * one-click stop; for a researcher, a link to the workflow's downloads in the lab, for a volunteer, to the project's page.
 */
@Injectable()
export class CompletionMails extends OwedMails {
  constructor(
    @InjectDataSource() db: DataSource,
    mailer: Mailer,
    private readonly links: EmailLinks,
    private readonly unsubscribeLinks: UnsubscribeLinks,
  ) {
    super(db, mailer, ['completion', 'volunteer-thanks'], 'completion mails');
  }

  protected async takeBatch(manager: EntityManager): Promise<ReaderMail[]> {
    // TypeORM answers a DELETE with [rows, count].
    const [taken] = await manager.query<[{ notification_id: string }[], number]>(
      `DELETE FROM completion_mail_deliveries d USING (SELECT notification_id FROM completion_mail_deliveries LIMIT ${COMPLETION_MAILS_A_BATCH}) batch
       WHERE d.notification_id = batch.notification_id RETURNING d.notification_id`,
    );
    if (!taken.length) return [];
    const rows = await manager.query<Mailed[]>(MAILED, [taken.map((row) => row.notification_id)]);
    return Promise.all(rows.map((row) => this.mailOf(row)));
  }

  private async mailOf(row: Mailed): Promise<ReaderMail> {
    const unsubscribe = await this.unsubscribeLinks.link(row.user_id, { mails: row.team ? 'completionMails' : 'volunteerCompletionMails' });
    const to = { email: row.email, displayName: row.display_name, language: row.language };
    const completion = {
      team: row.team,
      workflowName: row.workflow_name,
      projectTitle: row.project_title,
      subjectsDone: row.subjects_done,
      link: row.team ? this.links.labDownloads(row.workflow_id) : this.links.projectWorkflow(row.project_slug, row.workflow_id),
      resultsPublic: row.results_public,
      settingsPage: this.links.page('account#completion-mails'),
      unsubscribeLink: unsubscribe.page,
    };
    return { ...completionMail(to, completion, unsubscribe.post), userId: row.user_id };
  }
}
