import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LocationChangePage, SubjectCorrected } from '@chorus/client';
import type { FieldError, SubjectLocation } from '@chorus/tasks';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
import { cursorTimeSql, researchersTransaction, retryOnDeadlock, returnedRows } from '../common/sql';
import { timePage } from '../common/time-pages';
import { routeAccess } from '../projects/access-first';
import { ProjectAccess } from '../projects/project-access';
import { type LocationChangesQuery, type SubjectCorrectionInput } from './dto/subject-correction.dto';
import { TAKING_SENT, WITHOUT_ALT, correctionErrors, lockWorkflowRowsOf, markLocationsChanged, recordCorrections } from './subject-locations';

/**
 * A subject's corrections ($1), newest first, after the cursor ($2, $3), with who made each (by name too); $4: the rows
 * to read (along `subject_location_changes_subject_idx`).
 */
const LOCATION_CHANGES = `
  SELECT c.id, c.changed_at, c.changed_by, u.display_name, c.reason, c.previous_locations, c.locations, ${cursorTimeSql('c.changed_at')} AS cursor_time
  FROM subject_location_changes c LEFT JOIN users u ON u.id = c.changed_by
  WHERE c.subject_id = $1 AND ($2::timestamptz IS NULL OR (c.changed_at, c.id) < ($2::timestamptz, $3::uuid))
  ORDER BY c.changed_at DESC, c.id DESC
  LIMIT $4`;

interface LocationChangeRow {
  id: string;
  changed_at: Date;
  changed_by: string | null;
  display_name: string | null;
  reason: string;
  previous_locations: SubjectLocation[];
  locations: SubjectLocation[];
  cursor_time: string;
}

/** A change of one subject's locations: why it cannot apply to those stored, and how it writes them. */
export interface LocationsChange<T> {
  /** Why the change cannot apply to the subject's stored locations; none when it can. */
  errors(stored: SubjectLocation[]): FieldError[];
  /** Writes it, in the transaction that holds the subject's row. */
  write(manager: EntityManager, stored: SubjectLocation[]): Promise<T>;
}

/**
 * A researcher corrects where a subject's media are (an image server moved, a URL had a typo): the same content at a
 * new address, never other content, so volunteers' answers stay answers about what it shows. Each correction is
 * recorded with the locations it replaced.
 */
@Injectable()
export class SubjectCorrectionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly access: ProjectAccess,
  ) {}

  /** Fails unless the caller is a researcher of the subject's project. */
  async requireSubjectOfResearcher(subjectId: string, user: AuthUser): Promise<void> {
    const [subject] = await this.db.query<{ project_id: string }[]>('SELECT project_id FROM subjects WHERE id = $1', [subjectId]);
    if (!subject) throw notFound(`Subject ${subjectId}`, '/params/id');
    await this.access.requireResearcher(subject.project_id, user, '/params/id', `Subject ${subjectId}`);
  }

  /** The subject's recorded corrections, newest first, a page at a time: who, when, why, and the locations before and after. */
  async history(subjectId: string, { limit, after }: LocationChangesQuery, user: AuthUser): Promise<LocationChangePage> {
    await this.requireSubjectOfResearcher(subjectId, user);
    const rows = await this.db.query<LocationChangeRow[]>(LOCATION_CHANGES, [subjectId, after?.time ?? null, after?.id ?? null, limit + 1]);
    const { page, next } = timePage(rows, limit);
    return {
      changes: page.map((row) => ({
        id: row.id,
        correctedAt: row.changed_at.toISOString(),
        correctedBy: row.changed_by,
        correctedByName: row.display_name,
        reason: row.reason,
        previousLocations: row.previous_locations,
        locations: row.locations,
      })),
      next,
    };
  }

  /**
   * Changes a subject's locations (a correction, the images' descriptions) for a researcher of its project, in one
   * transaction that holds the subject's row, tried again after a deadlock: refused as a whole when `change` has errors.
   * Its workflows' rows change with it, when it does (their consensus download's `subject_locations`).
   */
  async changeLocations<T>(subjectId: string, user: AuthUser, change: LocationsChange<T>): Promise<T> {
    await this.requireSubjectOfResearcher(subjectId, user);
    return retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      // NO KEY UPDATE: a classification of the subject, whose foreign key shares its row, is stored meanwhile.
      const [stored] = await manager.query<{ locations: SubjectLocation[] }[]>('SELECT locations FROM subjects WHERE id = $1 FOR NO KEY UPDATE', [subjectId]);
      if (!stored) throw notFound(`Subject ${subjectId}`, '/params/id');
      // Subject row, then its workflows' rows in key order, then its classifications: the order take-downs and the worker keep.
      await lockWorkflowRowsOf(manager, [subjectId]);
      const errors = change.errors(stored.locations);
      if (errors.length) throw validationFailed(errors);
      const changed = await change.write(manager, stored.locations);
      await markLocationsChanged(manager, [{ subjectId, previous: stored.locations }]);
      return changed;
    }));
  }

  async correct(subjectId: string, input: SubjectCorrectionInput, user: AuthUser): Promise<SubjectCorrected> {
    return this.changeLocations(subjectId, user, {
      errors: (stored) => correctionErrors(stored, input.locations, '/locations'),
      write: async (manager, stored) => {
        const [now] = returnedRows<{ locations: SubjectLocation[]; moved: boolean }>(
          await manager.query(
            `UPDATE subjects SET locations = ${TAKING_SENT('$2::jsonb', 'locations')} WHERE id = $1
             RETURNING locations, ${WITHOUT_ALT('locations')} <> ${WITHOUT_ALT('$3::jsonb')} AS moved`,
            [subjectId, JSON.stringify(input.locations), JSON.stringify(stored)],
          ),
        );
        const [recorded] = now!.moved ? await recordCorrections(manager, [{ subjectId, previous: stored }], user.id, input.reason) : [];
        return {
          subjectId,
          locations: now!.locations,
          correction: recorded ? { previousLocations: stored, reason: input.reason, correctedBy: user.id, correctedAt: recorded.changed_at.toISOString() } : null,
        };
      },
    });
  }
}

/** A subject's routes (`subjects/:id/…`) for its project's researchers, asked first (`AccessFirst`). */
export const SUBJECT_RESEARCHERS = routeAccess(SubjectCorrectionsService, (corrections, id, user) => corrections.requireSubjectOfResearcher(id, user));
