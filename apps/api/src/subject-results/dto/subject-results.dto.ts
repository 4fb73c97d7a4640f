import { SUBJECT_RESULT_SORTS, SUBJECT_RESULT_STATUSES } from '@chorus/client';
import { tidyExternalId } from '@chorus/tasks';
import { z } from 'zod';
import { classificationAfterSchema } from '../../classifications/dto/own-classifications.dto';
import { pageCursorSchema, pageLimitSchema } from '../../common/zod';

/**
 * Where a page of a workflow's subject results starts (the `next` of the page before): after the subject of this id,
 * in id order; after this count of favourites and subject id, most favourites first; after this externalId (base64url,
 * `n` for none) and subject id, in externalId order.
 */
const SUBJECT_CURSOR = /^(?:(\d{1,9})_|(?:e([A-Za-z0-9_-]*)|(n))\.)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Where a page of subject results starts, read from its cursor: `externalId` null for a subject without one. */
export type SubjectResultsAfter =
  | { sort: 'id'; subjectId: string }
  | { sort: 'favourites'; subjectId: string; favourites: number }
  | { sort: 'externalId'; subjectId: string; externalId: string | null };

const readCursor = ([favourites, externalId, unnamed, subjectId]: string[]): SubjectResultsAfter => {
  if (favourites !== undefined) return { sort: 'favourites', subjectId: subjectId!, favourites: Number(favourites) };
  if (externalId !== undefined) return { sort: 'externalId', subjectId: subjectId!, externalId: Buffer.from(externalId, 'base64url').toString('utf8') };
  if (unnamed !== undefined) return { sort: 'externalId', subjectId: subjectId!, externalId: null };
  return { sort: 'id', subjectId: subjectId! };
};

/** The `next` of a page of subject results that ends with this subject, in the page's order. */
export const subjectResultsCursor = (after: SubjectResultsAfter) => {
  if (after.sort === 'favourites') return `${after.favourites}_${after.subjectId}`;
  if (after.sort === 'externalId') return `${after.externalId === null ? 'n' : `e${Buffer.from(after.externalId, 'utf8').toString('base64url')}`}.${after.subjectId}`;
  return after.subjectId;
};

/** The longest `q`: an externalId is at most this long. */
const LONGEST_EXTERNAL_ID = 500;

/** The query of `GET /workflows/:id/subject-results`. */
export const subjectResultsQuerySchema = z
  .strictObject({
    status: z.enum(SUBJECT_RESULT_STATUSES, 'must be all, active (subjects still served) or retired').default('all'),
    q: z
      .string()
      .overwrite(tidyExternalId)
      .max(LONGEST_EXTERNAL_ID, `must be at most ${LONGEST_EXTERNAL_ID} characters: the start of an externalId, or a subject's id`)
      // An empty search is no search (a form sent with the field left blank).
      .transform((q) => q || undefined)
      .optional(),
    sort: z.enum(SUBJECT_RESULT_SORTS, 'must be id (subject id order), externalId (externalId order) or favourites (the most favourites first)').default('id'),
    needsChecking: z
      .enum(['true', 'false'], 'must be true (only the subjects with a transcription whose consensus needs checking) or false')
      .default('false')
      .transform((value) => value === 'true'),
    reviewed: z
      .enum(['true', 'false'], 'must be false (only the subjects with a consensus not reviewed yet) or true (only those whose every consensus is reviewed)')
      .transform((value) => value === 'true')
      .optional(),
    limit: pageLimitSchema(100, 25),
    after: pageCursorSchema(SUBJECT_CURSOR, readCursor),
  })
  .superRefine(({ sort, after }, ctx) => {
    // (Run on a cursor refused already too, as it was sent: a string.)
    if (typeof after === 'object' && after.sort !== sort) {
      ctx.addIssue({ code: 'custom', path: ['after'], message: `is the "next" of a page in another order: give the sort of the page before (sort=${after.sort})` });
    }
  });
export type SubjectResultsQuery = z.infer<typeof subjectResultsQuerySchema>;

/** The query of `GET /workflows/:id/subject-results/:subjectId`: a page of the subject's classifications. */
export const subjectResultQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 50),
  after: classificationAfterSchema,
});
export type SubjectResultQuery = z.infer<typeof subjectResultQuerySchema>;
