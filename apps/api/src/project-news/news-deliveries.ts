import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { newsMail } from '../mail/mails';
import { Mailer, type ReaderMail } from '../mail/mailer';
import { OwedMails } from '../mail/owed-mails';
import { MAILED_READER_SQL } from '@chorus/db';
import { EmailLinks } from '../auth/email-links';
import { UnsubscribeLinks } from '../unsubscriptions/unsubscribe-links';

/** Mails written into the outbox at a time; no more is written while news mails are still waiting there. */
export const NEWS_MAILS_A_BATCH = 100;

interface Delivery {
  user_id: string;
  email: string;
  display_name: string;
  language: string | null;
  project_id: string;
  project_slug: string;
  project_title: string;
  title: string;
  body: string;
}

/**
 * Writes a mailed news item's mails, a batch at a time, from its recipients (`news_deliveries`, recorded as it was
 * posted): each in its reader's language, with its own unsubscription token and the item as it reads now. Only a
 * reader still subscribed, verified and allowed to see the project gets one; a deleted item or account leaves no
 * recipient behind. Written a batch at a time (`OwedMails`).
 */
@Injectable()
export class NewsDeliveries extends OwedMails {
  constructor(
    @InjectDataSource() db: DataSource,
    mailer: Mailer,
    private readonly links: EmailLinks,
    private readonly unsubscribeLinks: UnsubscribeLinks,
  ) {
    super(db, mailer, ['news'], 'news deliveries');
  }

  protected async takeBatch(manager: EntityManager): Promise<ReaderMail[]> {
    // TypeORM answers a DELETE with [rows, count].
    const [taken] = await manager.query<[{ news_id: string; user_id: string }[], number]>(
      `DELETE FROM news_deliveries d USING (SELECT news_id, user_id FROM news_deliveries LIMIT ${NEWS_MAILS_A_BATCH}) batch
       WHERE d.news_id = batch.news_id AND d.user_id = batch.user_id RETURNING d.news_id, d.user_id`,
    );
    if (!taken.length) return [];
    // Each reader's row locked until the batch commits: an email change (or a deletion) waits, and then finds the
    // mails to the old address to readdress (or drop) rather than missing them.
    const deliveries = await manager.query<Delivery[]>(
      `SELECT u.id AS user_id, u.email, u.display_name, u.language, p.id AS project_id, p.slug AS project_slug, p.title AS project_title, n.title, n.body
       FROM unnest($1::uuid[], $2::uuid[]) t(news_id, user_id)
       JOIN project_news n ON n.id = t.news_id JOIN projects p ON p.id = n.project_id
       JOIN news_subscriptions s ON s.user_id = t.user_id AND s.project_id = p.id JOIN users u ON u.id = s.user_id
       WHERE ${MAILED_READER_SQL}
       FOR SHARE OF u`,
      [taken.map((row) => row.news_id), taken.map((row) => row.user_id)],
    );
    return Promise.all(deliveries.map((delivery) => this.mailOf(delivery)));
  }

  private async mailOf(delivery: Delivery) {
    const unsubscribe = await this.unsubscribeLinks.link(delivery.user_id, { mails: 'news', projectId: delivery.project_id });
    const to = { email: delivery.email, displayName: delivery.display_name, language: delivery.language };
    const news = { projectTitle: delivery.project_title, title: delivery.title, body: delivery.body, newsPage: this.links.newsPage(delivery.project_slug), unsubscribeLink: unsubscribe.page };
    return { ...newsMail(to, news, unsubscribe.post), userId: delivery.user_id };
  }
}
