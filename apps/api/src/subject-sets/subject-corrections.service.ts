import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SubjectCorrected } from '@chorus/client';
import type { SubjectLocation } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { notFound, validationFailed } from '../common/problem';
import { researchersTransaction, retryOnDeadlock, returnedRows } from '../common/sql';
import { routeAccess } from '../projects/access-first';
import { ProjectAccess } from '../projects/project-access';
import type { SubjectCorrectionInput } from './dto/subject-correction.dto';
import { TAKING_SENT, WITHOUT_ALT, correctionErrors, recordCorrections } from './subject-locations';

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

  async correct(subjectId: string, input: SubjectCorrectionInput, user: AuthUser): Promise<SubjectCorrected> {
    await this.requireSubjectOfResearcher(subjectId, user);
    return retryOnDeadlock(() => researchersTransaction(this.db, async (manager) => {
      // NO KEY UPDATE: a classification of the subject, whose foreign key shares its row, is stored meanwhile.
      const [stored] = await manager.query<{ locations: SubjectLocation[] }[]>('SELECT locations FROM subjects WHERE id = $1 FOR NO KEY UPDATE', [subjectId]);
      if (!stored) throw notFound(`Subject ${subjectId}`, '/params/id');
      const errors = correctionErrors(stored.locations, input.locations, '/locations');
      if (errors.length) throw validationFailed(errors);
      const [now] = returnedRows<{ locations: SubjectLocation[]; moved: boolean }>(
        await manager.query(
          `UPDATE subjects SET locations = ${TAKING_SENT('$2::jsonb', 'locations')} WHERE id = $1
           RETURNING locations, ${WITHOUT_ALT('locations')} <> ${WITHOUT_ALT('$3::jsonb')} AS moved`,
          [subjectId, JSON.stringify(input.locations), JSON.stringify(stored.locations)],
        ),
      );
      const [recorded] = now!.moved ? await recordCorrections(manager, [{ subjectId, previous: stored.locations }], user.id, input.reason) : [];
      return {
        subjectId,
        locations: now!.locations,
        correction: recorded ? { previousLocations: stored.locations, reason: input.reason, correctedBy: user.id, correctedAt: recorded.changed_at.toISOString() } : null,
      };
    }));
  }
}

/** A subject's routes (`subjects/:id/…`) for its project's researchers, asked first (`AccessFirst`). */
export const SUBJECT_RESEARCHERS = routeAccess(SubjectCorrectionsService, (corrections, id, user) => corrections.requireSubjectOfResearcher(id, user));
