import { type CollectionPage, PROFILE_LIMITS, type VolunteerProfile, commentPath } from '@chorus/client';
import { projectReadableBySql } from '@chorus/db';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { CollectionsService } from '../collections/collections.service';
import type { PublicCollectionsQuery } from '../collections/dto/collection.dto';
import { notFound } from '../common/problem';
import { accountIdOf } from '../projects/project-access';
import { inTakenDownSql } from '../retirement/retired-by-sql';

/**
 * Comments `c` (with their project `p`) of volunteer $1 that reader $2 (their account id, or null) may read on a
 * profile: not hidden by moderators, in a project open to the reader, on a subject its team did not take down (read
 * once, `inTakenDownSql`: a volunteer may have said thousands), or in a board's discussion.
 */
const READABLE_COMMENTS = `c.user_id = $1 AND c.hidden_at IS NULL AND ${projectReadableBySql('$2::uuid')} AND (c.subject_id IS NULL OR NOT ${inTakenDownSql('c.subject_id')})`;

/**
 * Account $1's profile, if it shows one (or to itself, $2): its name, the month it joined, and how many of each it shows
 * reader $2, its comments counted no further than one past `PROFILE_LIMITS.countedComments` (anyone may ask, unsigned).
 */
const PROFILE = `
  SELECT u.id, u.display_name, to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS joined, u.public_profile AS shown,
         (SELECT count(*)::int FROM collections c WHERE c.user_id = u.id AND c.public) AS collections,
         (SELECT count(*)::int FROM (SELECT FROM subject_comments c JOIN projects p ON p.id = c.project_id WHERE ${READABLE_COMMENTS} LIMIT ${PROFILE_LIMITS.countedComments + 1}) counted) AS comments
  FROM users u WHERE u.id = $1 AND u.kind = 'registered' AND (u.public_profile OR u.id = $2::uuid)`;

/** The latest $3 of volunteer $1's comments that reader $2 may read (`subject_comments_user_recent_idx` serves it). */
const LATEST_COMMENTS = `
  SELECT c.id, c.subject_id, c.board_discussion_id, c.body, c.created_at, c.edited_at, p.id AS project_id, p.slug AS project_slug, p.title AS project_title
  FROM subject_comments c JOIN projects p ON p.id = c.project_id
  WHERE ${READABLE_COMMENTS}
  ORDER BY c.created_at DESC, c.id DESC LIMIT $3`;

interface ProfileRow {
  id: string;
  display_name: string;
  joined: string;
  shown: boolean;
  collections: number;
  comments: number;
}

interface ProfileCommentRow {
  id: string;
  subject_id: string | null;
  board_discussion_id: string | null;
  body: string;
  created_at: Date;
  edited_at: Date | null;
  project_id: string;
  project_slug: string;
  project_title: string;
}

/** The same 404 for no such account, a guest, a deleted account and one that shows no profile: none tells which. */
const noProfile = () => notFound('A public profile of this volunteer (they may not show one)', '/params/id');

/**
 * Volunteers' public profiles (Zooniverse's): what a volunteer chose to show everyone, gathered on one page: their
 * name, when they joined, their public collections and their comments, each as the reader may read it.
 */
@Injectable()
export class VolunteersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly collections: CollectionsService,
  ) {}

  async profile(id: string, user: AuthUser | undefined): Promise<VolunteerProfile> {
    const reader = accountIdOf(user);
    const row = await this.profileRow(id, reader);
    const comments = await this.db.query<ProfileCommentRow[]>(LATEST_COMMENTS, [id, reader, PROFILE_LIMITS.comments]);
    return {
      id: row.id,
      displayName: row.display_name,
      joined: row.joined,
      mine: row.id === reader,
      shown: row.shown,
      counts: { collections: row.collections, comments: Math.min(row.comments, PROFILE_LIMITS.countedComments), moreComments: row.comments > PROFILE_LIMITS.countedComments },
      collections: await this.collections.publicOf(id, { limit: PROFILE_LIMITS.collections }, user),
      comments: comments.map((comment) => ({
        id: comment.id,
        project: { id: comment.project_id, slug: comment.project_slug, title: comment.project_title },
        subjectId: comment.subject_id,
        boardDiscussionId: comment.board_discussion_id,
        discussionUrl: commentPath(comment.project_slug, { subjectId: comment.subject_id, boardDiscussionId: comment.board_discussion_id }, comment.id),
        body: comment.body,
        createdAt: comment.created_at.toISOString(),
        editedAt: comment.edited_at?.toISOString() ?? null,
      })),
    };
  }

  /** A page of the volunteer's public collections, while they show their profile. */
  async collectionsOf(id: string, query: PublicCollectionsQuery, user: AuthUser | undefined): Promise<CollectionPage> {
    await this.profileRow(id, accountIdOf(user));
    return this.collections.publicOf(id, query, user);
  }

  private async profileRow(id: string, reader: string | null): Promise<ProfileRow> {
    const [row] = await this.db.query<ProfileRow[]>(PROFILE, [id, reader]);
    if (!row) throw noProfile();
    return row;
  }
}
