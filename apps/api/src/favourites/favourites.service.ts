import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Favourite, FavouritePage } from '@chorus/client';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { validationFailed } from '../common/problem';
import { cursorTimeSql } from '../common/sql';
import { type SubjectRow, subjectView, subjectViewColumnsSql } from '../common/subject-view';
import { timePage } from '../common/time-pages';
import { accountIdOf, openToCallerSql } from '../projects/project-access';
import { WorkflowsService } from '../workflows/workflows.service';
import type { FavouritesQuery } from './dto/favourite.dto';

interface FavouriteRow extends SubjectRow {
  workflow_id: string;
  workflow_name: string;
  project_id: string;
  project_slug: string;
  project_title: string;
  created_at: Date;
  open: boolean;
  team: boolean;
  /** `created_at` to the microsecond, for the cursor. */
  cursor_time: string;
}

/**
 * A volunteer's favourites ($1), newest first, through `favourites_user_recent_idx`: one subject's ($2) or all, after
 * the cursor ($3, $4), $5 at most; each `open` while its workflow is one the volunteer may see ($6, their account id,
 * for the projects they are a member of). One of a project taken back to draft stays theirs, listed as no longer open,
 * as their classifications there are (`GET /classifications`); one of a project Chorus's operators took down is not
 * listed but to its members (nothing of it is shown to anyone else), and comes back if the project is restored.
 */
const FAVOURITES = `
  SELECT ${subjectViewColumnsSql('$6::uuid')}, f.workflow_id, w.name AS workflow_name,
         p.id AS project_id, p.slug AS project_slug, p.title AS project_title, f.created_at, ${openToCallerSql('$6::uuid')} AS open,
         ${cursorTimeSql('f.created_at')} AS cursor_time
  FROM favourites f JOIN subjects s ON s.id = f.subject_id JOIN workflows w ON w.id = f.workflow_id JOIN projects p ON p.id = w.project_id
  WHERE f.user_id = $1 AND ($2::uuid IS NULL OR f.subject_id = $2) AND ($3::timestamptz IS NULL OR (f.created_at, f.subject_id) < ($3::timestamptz, $4::uuid))
    AND (p.taken_down_at IS NULL OR ${openToCallerSql('$6::uuid')})
  ORDER BY f.created_at DESC, f.subject_id DESC
  LIMIT $5`;

const MARK = 'INSERT INTO favourites (user_id, subject_id, workflow_id) VALUES ($1, $2, $3) ON CONFLICT (user_id, subject_id) DO NOTHING RETURNING subject_id';

function toFavourite(row: FavouriteRow): Favourite {
  return {
    subject: subjectView(row, row.team),
    project: { id: row.project_id, slug: row.project_slug, title: row.project_title },
    workflow: { id: row.workflow_id, name: row.workflow_name },
    classifyUrl: `/projects/${encodeURIComponent(row.project_slug)}/workflows/${row.workflow_id}`,
    favouritedAt: row.created_at.toISOString(),
    open: row.open,
  };
}

/**
 * Volunteers' favourite subjects (Zooniverse's "Favorites"): one mark per volunteer and subject, made from a workflow
 * they may see, listed for them across projects, and counted for the subject's researchers (`favouriteCountSql`).
 * Guests mark too: a guest who registers keeps them (the same id), and one who signs in carries them (`GuestWork`).
 */
@Injectable()
export class FavouritesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workflows: WorkflowsService,
  ) {}

  /**
   * Marks a subject of a workflow the caller may see a favourite of theirs. A subject marked already stays as it was
   * (when, and from which workflow) and is answered as it is, `replayed`.
   */
  async mark(subjectId: string, workflowId: string, user: AuthUser): Promise<Favourite & { replayed: boolean }> {
    await this.workflows.readable(workflowId, user, '/workflowId');
    const [inWorkflow] = await this.db.query('SELECT 1 FROM subject_workflow_status WHERE workflow_id = $1 AND subject_id = $2', [workflowId, subjectId]);
    if (!inWorkflow) throw validationFailed([{ pointer: '/params/id', message: 'names no subject of that workflow (the one you were shown it in)' }]);
    const marked = await this.db.query(MARK, [user.id, subjectId, workflowId]);
    const [row] = await this.db.query<FavouriteRow[]>(FAVOURITES, [user.id, subjectId, null, null, 1, accountIdOf(user)]);
    // Unmarked in between (another tab of theirs): this mark is the later one.
    if (!row) return this.mark(subjectId, workflowId, user);
    return { ...toFavourite(row), replayed: !marked.length };
  }

  /** The subject is no longer a favourite of the caller's; it was perhaps never one, which is the same. */
  async unmark(subjectId: string, user: AuthUser): Promise<void> {
    await this.db.query('DELETE FROM favourites WHERE user_id = $1 AND subject_id = $2', [user.id, subjectId]);
  }

  /** The caller's favourites, newest first, a page at a time (or one subject's, if it is one); each says whether it is `open` to them. */
  async mine({ subjectId, limit, after }: FavouritesQuery, user: AuthUser): Promise<FavouritePage> {
    const rows = await this.db.query<FavouriteRow[]>(FAVOURITES, [
      user.id,
      subjectId ?? null,
      after?.time ?? null,
      after?.id ?? null,
      limit + 1,
      accountIdOf(user),
    ]);
    const { page, next } = timePage(rows, limit);
    return { favourites: page.map(toFavourite), next };
  }
}
