import { METADATA_PARAMETER, SUBJECT_RESULT_SORTS, SUBJECT_RESULT_STATUSES, type SubjectResultSort } from '@chorus/client';
import { LONGEST_METADATA_KEY, tidyExternalId } from '@chorus/tasks';
import { z } from 'zod';
import { enumOf, pageCursorSchema, pageLimitSchema, timeCursorSchema, withNearMiss } from '../../common/zod';

/** The order of a page of subject results: one of `SUBJECT_RESULT_SORTS`, or the values of a metadata field (`metadata.page`). */
export type SubjectResultsSort = SubjectResultSort | { metadata: string };

/** The order as its query parameter says it. */
export const sortParameter = (sort: SubjectResultsSort) => (typeof sort === 'string' ? sort : `${METADATA_PARAMETER}${sort.metadata}`);

const BASE64URL = '[A-Za-z0-9_-]';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Where a page of a workflow's subject results starts (the `next` of the page before): after the subject of this id,
 * in id order; after this count of favourites and subject id, most favourites first; after this externalId (base64url,
 * `n` for none) and subject id, in externalId order; after this metadata field's (`m`, its name in base64url) value
 * (base64url, `n` for none) and subject id, in the order of its values.
 */
const SUBJECT_CURSOR = new RegExp(`^(?:(\\d{1,9})_|(?:m(${BASE64URL}+)\\.)?(?:e(${BASE64URL}*)|(n))\\.)?(${UUID})$`);

/** Where a page of subject results starts, read from its cursor: the text sorted by (`externalId`, `value`) null for a subject without one. */
export type SubjectResultsAfter =
  | { sort: 'id'; subjectId: string }
  | { sort: 'favourites'; subjectId: string; favourites: number }
  | { sort: 'externalId'; subjectId: string; externalId: string | null }
  | { sort: { metadata: string }; subjectId: string; value: string | null };

const fromBase64url = (text: string) => Buffer.from(text, 'base64url').toString('utf8');
const toBase64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

const readCursor = ([favourites, metadataKey, text, unnamed, subjectId]: string[]): SubjectResultsAfter => {
  if (favourites !== undefined) return { sort: 'favourites', subjectId: subjectId!, favourites: Number(favourites) };
  const sorted = text !== undefined ? fromBase64url(text) : unnamed !== undefined ? null : undefined;
  if (sorted === undefined) return { sort: 'id', subjectId: subjectId! };
  if (metadataKey !== undefined) return { sort: { metadata: fromBase64url(metadataKey) }, subjectId: subjectId!, value: sorted };
  return { sort: 'externalId', subjectId: subjectId!, externalId: sorted };
};

/** The `next` of a page of subject results that ends with this subject, in the page's order. */
export const subjectResultsCursor = (after: SubjectResultsAfter) => {
  const textThen = (text: string | null) => `${text === null ? 'n' : `e${toBase64url(text)}`}.${after.subjectId}`;
  if (after.sort === 'favourites') return `${after.favourites}_${after.subjectId}`;
  if (after.sort === 'externalId') return textThen(after.externalId);
  if (typeof after.sort === 'object' && 'value' in after) return `m${toBase64url(after.sort.metadata)}.${textThen(after.value)}`;
  return after.subjectId;
};

/** The most metadata fields a page is filtered by at once. */
const MOST_METADATA_FILTERS = 10;
/** The longest value a metadata field is filtered by. */
const LONGEST_METADATA_VALUE = 1000;

/** The name of the metadata field a query parameter (`metadata.<key>`) names, or why it names none. */
function metadataKeyOf(parameter: string): { key: string } | { problem: string } {
  const key = parameter.slice(METADATA_PARAMETER.length);
  if (!key) return { problem: 'names no metadata field: put its name after the dot (metadata.page)' };
  if (key.length > LONGEST_METADATA_KEY) return { problem: `names a metadata field of ${key.length} characters; a field's name is at most ${LONGEST_METADATA_KEY}` };
  return { key };
}

const SORTS_IN_WORDS = 'must be id (subject id order), externalId (externalId order), favourites (the most favourites first) or metadata.<field> (the values of a metadata field, such as metadata.page)';

/** `sort`: one of `SUBJECT_RESULT_SORTS`, or `metadata.<key>`. */
const sortSchema = z
  .string()
  .default('id')
  .transform((sort, ctx): SubjectResultsSort => {
    const known = SUBJECT_RESULT_SORTS.find((each) => each === sort);
    if (known) return known;
    if (!sort.startsWith(METADATA_PARAMETER)) {
      ctx.addIssue({ code: 'custom', message: withNearMiss(SORTS_IN_WORDS, SUBJECT_RESULT_SORTS, sort) });
      return z.NEVER;
    }
    const named = metadataKeyOf(sort);
    if ('problem' in named) {
      ctx.addIssue({ code: 'custom', message: named.problem });
      return z.NEVER;
    }
    return { metadata: named.key };
  });

/** The longest `q`: an externalId is at most this long. */
const LONGEST_EXTERNAL_ID = 500;

/** The longest `text`: a few words or a line of a transcription, not a passage. */
export const LONGEST_RESULTS_TEXT = 200;

/** The parameters of `GET /workflows/:id/subject-results` besides the metadata filters. */
const OWN_PARAMETERS = {
    status: enumOf(SUBJECT_RESULT_STATUSES, 'must be all, active (subjects still served) or retired').default('all'),
    q: z
      .string()
      .overwrite(tidyExternalId)
      .max(LONGEST_EXTERNAL_ID, `must be at most ${LONGEST_EXTERNAL_ID} characters: the start of an externalId, or a subject's id`)
      // An empty search is no search (a form sent with the field left blank).
      .transform((q) => q || undefined)
      .optional(),
    externalId: z
      .string()
      .overwrite(tidyExternalId)
      .min(1, 'must be a whole externalId, matched exactly (capitals and digits as written); leave the parameter out for every subject')
      .max(LONGEST_EXTERNAL_ID, `must be at most ${LONGEST_EXTERNAL_ID} characters: a whole externalId`)
      .optional(),
    text: z
      .string()
      .trim()
      .min(1, `must be the text to find in the consensus or reviewed answers, 1 to ${LONGEST_RESULTS_TEXT} characters; leave the parameter out for every subject`)
      .max(LONGEST_RESULTS_TEXT, `must be at most ${LONGEST_RESULTS_TEXT} characters: a word or a few, found within the consensus or reviewed answers`)
      .optional(),
    sort: sortSchema,
    needsChecking: z
      .enum(['true', 'false'], 'must be true (only the subjects with a consensus that needs checking) or false')
      .default('false')
      .transform((value) => value === 'true'),
    againstPlurality: z
      .enum(['true', 'false'], 'must be true (only the subjects with a consensus that most volunteers did not give) or false')
      .default('false')
      .transform((value) => value === 'true'),
    reviewed: z
      .enum(['true', 'false'], 'must be false (only the subjects with a consensus not reviewed yet) or true (only those whose every consensus is reviewed)')
      .transform((value) => value === 'true')
      .optional(),
    consensusChanged: z
      .enum(['true', 'false'], 'must be true (only the subjects with an approval whose consensus changed since) or false (only those with an approval and none whose consensus changed)')
      .transform((value) => value === 'true')
      .optional(),
    limit: pageLimitSchema(100, 25),
    after: pageCursorSchema(SUBJECT_CURSOR, readCursor),
};

/** A parsed order, or null for one refused already (as it was sent: a string that names none). */
const sortRead = (sort: unknown): SubjectResultsSort | null => (typeof sort === 'object' && sort !== null ? (sort as SubjectResultsSort) : (SUBJECT_RESULT_SORTS.find((each) => each === sort) ?? null));

const subjectResultsParameters = z
  .looseObject(OWN_PARAMETERS)
  .superRefine((query, ctx) => {
    const [sort, after] = [sortRead(query.sort), query.after];
    // (Run on a cursor or an order refused already too, as they were sent: strings.)
    if (typeof after === 'object' && sort !== null && sortParameter(after.sort) !== sortParameter(sort)) {
      ctx.addIssue({ code: 'custom', path: ['after'], message: `is the "next" of a page in another order: give the sort of the page before (sort=${sortParameter(after.sort)})` });
    }
    const unknown = Object.keys(query).filter((name) => !(name in OWN_PARAMETERS) && !name.startsWith(METADATA_PARAMETER));
    if (unknown.length) ctx.addIssue({ code: 'unrecognized_keys', keys: unknown, input: query });
    const filters = Object.keys(query).filter((name) => name.startsWith(METADATA_PARAMETER));
    if (filters.length > MOST_METADATA_FILTERS) ctx.addIssue({ code: 'custom', path: [filters[MOST_METADATA_FILTERS]!], message: `is one metadata filter too many: filter by at most ${MOST_METADATA_FILTERS} fields at once` });
    for (const name of filters) {
      const named = metadataKeyOf(name);
      const value = (query as Record<string, unknown>)[name];
      if ('problem' in named) ctx.addIssue({ code: 'custom', path: [name], message: named.problem });
      else if (typeof value !== 'string') ctx.addIssue({ code: 'custom', path: [name], message: 'must be the value to filter by, as text (metadata.letter=2)' });
      else if (value.length > LONGEST_METADATA_VALUE) ctx.addIssue({ code: 'custom', path: [name], message: `must be at most ${LONGEST_METADATA_VALUE} characters: a metadata field's value` });
    }
  });

/**
 * The query of `GET /workflows/:id/subject-results`: its own parameters, and a filter per `metadata.<key>` given a
 * value (`metadata`: the key and the value; one left empty filters nothing, as a form sends a field left blank).
 */
export const subjectResultsQuerySchema = subjectResultsParameters.transform(({ status, q, externalId, text, sort, needsChecking, againstPlurality, reviewed, consensusChanged, limit, after, ...filters }) => ({
  status,
  q,
  externalId,
  text,
  sort,
  needsChecking,
  againstPlurality,
  reviewed,
  consensusChanged,
  limit,
  after,
  metadata: Object.fromEntries(Object.entries(filters).flatMap(([name, value]): [string, string][] => (value ? [[name.slice(METADATA_PARAMETER.length), String(value)]] : []))),
}));
export type SubjectResultsQuery = z.infer<typeof subjectResultsQuerySchema>;

/** The query of `GET /workflows/:id/subject-results/:subjectId`: a page of the subject's classifications. */
export const subjectResultQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 50),
  after: timeCursorSchema,
});
export type SubjectResultQuery = z.infer<typeof subjectResultQuerySchema>;
