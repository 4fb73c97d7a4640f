import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ExcludedVolunteer, ExcludedVolunteerList } from '@chorus/client';
import type { DataSource, EntityManager } from 'typeorm';
import { lockExclusion } from '@chorus/db';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
import { retryOnDeadlock } from '../common/sql';
import { ProjectAccess } from '../projects/project-access';
import { type ChangingSides, CountedSet } from './counted-set';
import type { ExclusionInput } from './dto/exclusion.dto';

interface ExcludedRow {
  user_id: string;
  user_kind: ExcludedVolunteer['volunteer']['kind'];
  user_name: string | null;
  reason: string;
  excluded_at: Date;
  excluded_by: string | null;
  excluded_by_name: string | null;
  classifications: number;
}

/** The project's ($1) excluded volunteers, or the one named ($2), named as the raw download names them. */
const EXCLUDED_ROWS = `
  SELECT e.user_id, u.kind AS user_kind, CASE WHEN u.kind = 'registered' THEN u.display_name END AS user_name, e.reason, e.excluded_at,
         e.excluded_by, b.display_name AS excluded_by_name,
         (SELECT count(*)::int FROM classifications c JOIN workflows w ON w.id = c.workflow_id WHERE w.project_id = e.project_id AND c.user_id = e.user_id) AS classifications
  FROM excluded_volunteers e JOIN users u ON u.id = e.user_id LEFT JOIN users b ON b.id = e.excluded_by
  WHERE e.project_id = $1 AND ($2::uuid IS NULL OR e.user_id = $2)
  ORDER BY e.excluded_at DESC, e.user_id`;

/** The volunteer's classifications in the project, which their exclusion or its lift moves out of or into what counts. */
const theirs = (projectId: string, volunteerId: string): ChangingSides => ({ volunteerId, projectIds: [projectId] });

const toView = (row: ExcludedRow): ExcludedVolunteer => ({
  volunteerId: row.user_id,
  volunteer: { kind: row.user_kind, name: row.user_name },
  reason: row.reason,
  excludedAt: row.excluded_at.toISOString(),
  excludedBy: row.excluded_by ? { id: row.excluded_by, name: row.excluded_by_name ?? '' } : null,
  classifications: row.classifications,
});

/**
 * Volunteers a project's researchers keep out of its consensus. Their classifications stay stored; the worker reads
 * them as it reads a draft's tries (counted toward nothing), and excluding or lifting re-aggregates exactly the
 * subjects they classified, through the aggregation outbox, as a submit does.
 */
@Injectable()
export class ExcludedVolunteersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
    private readonly counted: CountedSet,
  ) {}

  async list(projectId: string, user: AuthUser): Promise<ExcludedVolunteerList> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const rows: ExcludedRow[] = await this.db.query(EXCLUDED_ROWS, [projectId, null]);
    return { excludedVolunteers: rows.map(toView) };
  }

  /** Excludes the volunteer; excluding them again changes nothing (the first reason stays). */
  async exclude(projectId: string, volunteerId: string, input: ExclusionInput, user: AuthUser): Promise<ExcludedVolunteer> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const workflows = await retryOnDeadlock(() =>
      this.db.transaction(async (manager) => {
        await lockExclusion(manager, projectId, volunteerId);
        await this.requireVolunteerOf(manager, projectId, volunteerId);
        await this.counted.lockSubjects(manager, theirs(projectId, volunteerId));
        const inserted: unknown[] = await manager.query(
          'INSERT INTO excluded_volunteers (project_id, user_id, reason, excluded_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1',
          [projectId, volunteerId, input.reason, user.id],
        );
        return inserted.length ? this.counted.recount(manager, theirs(projectId, volunteerId), -1) : [];
      }),
    );
    await this.counted.aggregate(workflows);
    const [row]: ExcludedRow[] = await this.db.query(EXCLUDED_ROWS, [projectId, volunteerId]);
    return toView(row!);
  }

  /** Counts the volunteer's classifications in the project's consensus again. */
  async lift(projectId: string, volunteerId: string, user: AuthUser): Promise<{ lifted: string }> {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const workflows = await retryOnDeadlock(() =>
      this.db.transaction(async (manager) => {
        await lockExclusion(manager, projectId, volunteerId);
        await this.counted.lockSubjects(manager, theirs(projectId, volunteerId));
        const [deleted]: unknown[][] = await manager.query('DELETE FROM excluded_volunteers WHERE project_id = $1 AND user_id = $2 RETURNING 1', [projectId, volunteerId]);
        if (!deleted?.length) throw notFound(`An exclusion of volunteer ${volunteerId} from this project`, '/params/userId');
        return this.counted.recount(manager, theirs(projectId, volunteerId), 1);
      }),
    );
    await this.counted.aggregate(workflows);
    return { lifted: volunteerId };
  }

  /** Only a volunteer who classified in the project can be excluded from its consensus. */
  private async requireVolunteerOf(manager: EntityManager, projectId: string, volunteerId: string): Promise<void> {
    const [row]: { known: boolean; classified: boolean }[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM users WHERE id = $2) AS known,
              EXISTS (SELECT 1 FROM classifications c JOIN workflows w ON w.id = c.workflow_id WHERE w.project_id = $1 AND c.user_id = $2) AS classified`,
      [projectId, volunteerId],
    );
    if (!row!.known) throw validationFailed([{ pointer: '/params/userId', message: 'names no volunteer: give the user_id of the raw download or of the volunteers’ skills' }]);
    if (!row!.classified) throw validationFailed([{ pointer: '/params/userId', message: 'names a volunteer with no classification in this project: there is nothing of theirs to keep out of its consensus' }]);
  }
}
