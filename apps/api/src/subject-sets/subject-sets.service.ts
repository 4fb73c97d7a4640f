import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SubjectSet, addToSubjectSet } from '@chorus/db';
import type { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth.decorators';
import { validateWith } from '@chorus/tasks';
import { notFound, validationFailed } from '../common/problem';
import { unwrap } from '../common/zod';
import { ProjectAccess } from '../projects/project-access';
import { type AddSubjectsInput, type CreateSubjectSetInput, addSubjectsSchema } from './dto/subject-set.dto';
import { type SubjectFile, UnreadableSubjectFile, isIiif, subjectsFromCsv, subjectsFromIiif, subjectsFromText } from './subject-files';

/** The media types a subject upload may have besides JSON, and how each becomes subjects. */
const SUBJECT_FILES: Record<string, (body: string) => SubjectFile> = {
  'text/csv': subjectsFromCsv,
  'text/plain': subjectsFromText,
};

/**
 * The subjects of an upload: `{ subjects: [...] }` as JSON, a IIIF Presentation manifest (JSON or JSON-LD), a CSV
 * file or a plain-text corpus (see subject-files.ts). Errors name each field by pointer, `/subjects/<n>/…`, and for a
 * file say where in it subject n came from.
 */
export function subjectsOfUpload(body: unknown, contentType: string | undefined): AddSubjectsInput {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const read = SUBJECT_FILES[mediaType] ?? (isIiif(body) ? subjectsFromIiif : undefined);
  if (!read) return unwrap(validateWith(addSubjectsSchema, body));
  let file: SubjectFile;
  try {
    file = read(body as never);
  } catch (error) {
    if (error instanceof UnreadableSubjectFile) throw validationFailed([error.error]);
    throw error;
  }
  const validated = validateWith(addSubjectsSchema, { subjects: file.subjects });
  const errors = [...file.errors, ...(validated.ok ? [] : validated.errors)];
  if (validated.ok && !errors.length) return validated.value;
  throw validationFailed(
    errors.map((error) => {
      const index = /^\/subjects\/(\d+)/.exec(error.pointer)?.[1];
      return index === undefined ? error : { ...error, message: `${error.message} (${file.origin(Number(index))})` };
    }),
  );
}

@Injectable()
export class SubjectSetsService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly access: ProjectAccess) {}

  async create(projectId: string, input: CreateSubjectSetInput, user: AuthUser) {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const set = await this.db.getRepository(SubjectSet).save({ projectId, name: input.name });
    return { id: set.id, name: set.name, projectId };
  }

  async list(projectId: string, user: AuthUser) {
    await this.access.requireResearcher(projectId, user, '/params/id');
    const sets: { id: string; name: string; subjects: string }[] = await this.db.query(
      `SELECT s.id, s.name, count(m.subject_id) AS subjects FROM subject_sets s LEFT JOIN subject_set_members m ON m.subject_set_id = s.id
       WHERE s.project_id = $1 GROUP BY s.id ORDER BY s.created_at`,
      [projectId],
    );
    return { subjectSets: sets.map((set) => ({ ...set, subjects: Number(set.subjects) })) };
  }

  /**
   * Adds subjects in one transaction: all or nothing. A subject whose externalId already exists in the project is
   * not created again but joins this set, so an interrupted upload can simply be sent again.
   */
  async addSubjects(subjectSetId: string, body: unknown, contentType: string | undefined, user: AuthUser) {
    const set = await this.db.getRepository(SubjectSet).findOneBy({ id: subjectSetId });
    if (!set) throw notFound(`Subject set ${subjectSetId}`, '/params/id');
    await this.access.requireResearcher(set.projectId, user, '/params/id');
    const input = subjectsOfUpload(body, contentType);
    return this.db.transaction(async (manager) => {
      // A subject uploaded again (same externalId) keeps what it had, gold standard included: its workflows' hot rows
      // copy whether it has one.
      const rows: { id: string; inserted: boolean }[] = await manager.query(
        `INSERT INTO subjects (project_id, locations, metadata, external_id, gold_standard)
         SELECT $1, x.locations, x.metadata, x.external_id, x.gold_standard
         FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (locations jsonb, metadata jsonb, external_id text, gold_standard jsonb))
           WITH ORDINALITY AS x(locations, metadata, external_id, gold_standard, ord)
         ORDER BY x.ord
         ON CONFLICT (project_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET external_id = EXCLUDED.external_id
         RETURNING id, (xmax = 0) AS inserted`,
        [set.projectId, JSON.stringify(input.subjects.map((s) => ({ locations: s.locations, metadata: s.metadata, external_id: s.externalId ?? null, gold_standard: s.goldStandard ?? null })))],
      );
      const ids = rows.map((row) => row.id);
      await addToSubjectSet(manager, subjectSetId, ids);
      const created = rows.filter((row) => row.inserted).length;
      return { created, existing: rows.length - created, subjectIds: ids };
    });
  }
}
