import type { OwnCommentPage } from '@chorus/client';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { timePage } from '../common/time-pages';
import { accountIdOf } from '../projects/project-access';
import { type OwnCommentsQuery } from './dto/discussions.dto';
import { OWN_COMMENTS_PAGE, type OwnCommentRow, ownCommentView } from './own-comments';

/** A volunteer's own comments, in every project: what they said, theirs to read again (and download: `ExportsService`). */
@Injectable()
export class OwnCommentsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The caller's comments, newest first, a page at a time. A guest writes none; and a guest's token of a guest who
   * since became an account speaks for the guest (`accountIdOf`), so it is not shown the account's.
   */
  async mine({ limit, after }: OwnCommentsQuery, user: AuthUser): Promise<OwnCommentPage> {
    const account = accountIdOf(user);
    if (!account) return { comments: [], next: null };
    const rows = await this.db.query<OwnCommentRow[]>(OWN_COMMENTS_PAGE, [account, after?.time ?? null, after?.id ?? null, limit + 1]);
    const { page, next } = timePage(rows, limit);
    return { comments: page.map(ownCommentView), next };
  }
}
