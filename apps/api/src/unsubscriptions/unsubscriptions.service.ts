import type { MailsStopped } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MAIL_SETTING_COLUMNS } from '../account/mail-settings';
import { validationFailed } from '../common/problem';
import { MailOutbox } from '../mail/mail-outbox';
import { unsubscribeFromNews } from '../project-news/project-news.service';
import { UnsubscribeLinks } from './unsubscribe-links';

/**
 * The one-click stop of every mail that has one, whoever opens its link (the token is the proof): a news mail's ends
 * its reader's subscription to the project's news; any other's turns off the account's setting it was sent under, and
 * drops its mails of that kind not yet sent. Again, the same answer.
 */
@Injectable()
export class UnsubscriptionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: MailOutbox,
    private readonly links: UnsubscribeLinks,
  ) {}

  async stop(given: { token: string; pointer: string } | undefined): Promise<MailsStopped> {
    const stop = given && (await this.links.read(given.token));
    if (!stop) throw validationFailed([{ pointer: given?.pointer ?? '/token', message: 'is not the token of a mail’s link: copy the whole link from the mail, or sign in and turn the mails off in your account’s settings (a project’s news, on its page)' }]);
    if (stop.mails === 'news') return { mails: 'news', project: await this.endNews(stop.userId, stop.projectId) };
    const { mails, userId } = stop;
    await this.db.transaction(async (manager) => {
      await manager.query(`UPDATE users SET ${MAIL_SETTING_COLUMNS[mails]} = false WHERE id = $1`, [userId]);
      await this.outbox.forgetStoppedMails(userId, mails, manager);
    });
    return { mails, project: null };
  }

  /** Ends the account's subscription to the project's news: the project, if it is still there. */
  private async endNews(userId: string, projectId: string): Promise<MailsStopped['project']> {
    await unsubscribeFromNews(this.db, userId, projectId);
    const [project] = await this.db.query<{ id: string; slug: string; title: string }[]>('SELECT id, slug, title FROM projects WHERE id = $1', [projectId]);
    return project ?? null;
  }
}
