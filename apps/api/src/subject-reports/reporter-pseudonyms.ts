import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../config/config';

/**
 * The name a report gives its volunteer, for researchers and moderators: the same for all of one volunteer's reports in
 * a workflow (so that several reports by one volunteer can be told apart from several volunteers'), and found nowhere
 * else, not in another workflow nor in any download that names volunteers (the raw classifications' user_id and
 * display name). The classifier promises reporters that researchers do not see their name; a user id would join to it.
 * Keyed with AUTH_SECRET, so that nobody who lacks it can compute the pseudonym of a user id they know. Made of the id the
 * report was made as (`reporter_id`), so that a guest's sign-in to an account, which carries its reports to the account,
 * changes no report's pseudonym: a change at that moment would match the classifications carried with them, named.
 * Reports of comments are named the same way in their project (`of(projectId, …)`): ids differ, so pseudonyms do too.
 */
@Injectable()
export class ReporterPseudonyms {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = createHmac('sha256', config.authSecret).update('chorus reporter pseudonyms').digest();
  }

  /** The pseudonym of `userId` among the reports of `scopeId`: a workflow's (of subjects), or a project's (of comments). */
  of(scopeId: string, userId: string): string {
    return `reporter-${createHmac('sha256', this.key).update(`${scopeId}:${userId}`).digest('hex').slice(0, 20)}`;
  }
}
