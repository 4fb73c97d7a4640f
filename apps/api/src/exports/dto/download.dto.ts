import { DOWNLOAD_SORTS, type DownloadSort, DOWNLOAD_METADATA, type DownloadMetadata, EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat, TRANSCRIPTION_FORMATS, type TranscriptionFormat } from '@chorus/client';
import { z } from 'zod';
import { ZodPipe, enumOf } from '../../common/zod';
import { type DownloadForm, bomSchema, exportFormatSchema, formatAccepted, formatSchemaOf, sinceSchema } from '../export-format';
import { UUID_SHAPED } from '../../projects/dto/project.dto';

/**
 * Each download's whole query: a parameter it does not know (`sinse`) is refused, not silently ignored. `token`: a
 * download link's (`POST /workflows/:id/download-links`), in place of an Authorization header.
 */
/** A download link's token (`POST /workflows/:id/download-links`), in place of an Authorization header. */
export const downloadTokenSchema = z.string().min(1).max(2000).optional();
const downloadShape = { format: exportFormatSchema, since: sinceSchema, bom: bomSchema.default(false), token: downloadTokenSchema };
/**
 * A download limited to one subject set the workflow serves (linked to it): its id, checked against the workflow's
 * sets by the service (`servedSet`), which refuses another. In a download's query and a link's body alike.
 */
export const downloadSubjectSetSchema = z
  .uuid('must be the id of a subject set the workflow serves (one of its subjectSetIds, GET /workflows/:id), or leave subjectSetId out for every set')
  .optional()
  .meta({ description: 'Only the subjects of this subject set, one the workflow serves (one of its `subjectSetIds`): a subject in several sets is in each one’s download; another set (not linked to the workflow, unknown, or another project’s) is refused, 422 naming `subjectSetId`' });
const subjectSetShape = { subjectSetId: downloadSubjectSetSchema };
export const downloadQuery = new ZodPipe(z.strictObject(downloadShape), '/query');

export interface DownloadQuery {
  format?: ExportFormat;
  since?: Date;
  bom: boolean;
  token?: string;
}

/** How a download of subjects' answers gives their metadata: one column that holds JSON, or a column per key. */
const metadataShape = {
  metadata: enumOf(DOWNLOAD_METADATA, 'must be json (the metadata as one column that holds JSON, subject_metadata: the default) or columns (a metadata.<key> column per key, in its place)').default('json'),
};

/** The order of a download's rows (of the consensus and the raw classifications): subject id, or the subjects' externalIds. */
const sortShape = {
  sort: enumOf(DOWNLOAD_SORTS, "must be id (subject id order, the default) or externalId (the natural order of the subjects' externalIds, numbers as numbers, those without one last)").default('id'),
};

/** The contributors download's query: CSV or JSON (one object, not a list of rows: no NDJSON), and a link's token. */
const contributorsQuerySchema = z.strictObject({ format: formatSchemaOf(['csv', 'json'], 'must be csv or json').optional(), bom: downloadShape.bom, token: downloadTokenSchema });
export const contributorsQuery = new ZodPipe(contributorsQuerySchema, '/query');
export type ContributorsQuery = z.infer<typeof contributorsQuerySchema>;

/** A subject set's file: CSV alone (what an upload reads back), with a byte-order mark if asked, and a link's token. */
const subjectSetFileQuerySchema = z.strictObject({ format: formatSchemaOf(['csv'], 'must be csv: a subject set downloads as the CSV file an upload reads').optional(), bom: downloadShape.bom, token: downloadTokenSchema });
export const subjectSetFileQuery = new ZodPipe(subjectSetFileQuerySchema, '/query');
export type SubjectSetFileQuery = z.infer<typeof subjectSetFileQuerySchema>;

/** How to write the contributors download: the format the query names, else the one the Accept header prefers (JSON for NDJSON). */
export const contributorsForm = ({ format, bom }: ContributorsQuery, accept: string | undefined): DownloadForm => ({ format: format ?? (formatAccepted(accept) === 'csv' ? 'csv' : 'json'), bom });

/**
 * The raw classifications download's query: a download's, how it gives the subjects' metadata, the order of its rows
 * and one subject set (with `since`, its changed rows and the tombstones of the subjects that left it).
 */
export const classificationsQuery = new ZodPipe(z.strictObject({ ...downloadShape, ...metadataShape, ...sortShape, ...subjectSetShape }), '/query');
export interface ClassificationsQuery extends DownloadQuery {
  metadata: DownloadMetadata;
  sort: DownloadSort;
  subjectSetId?: string;
}

/**
 * The project's raw classifications download's query: a download's, how it gives the subjects' metadata, and the
 * place to resume after (`after`: the workflow, subject and volunteer of the last row an interrupted download gave).
 */
const projectClassificationsQuerySchema = z.strictObject({
  ...downloadShape,
  ...metadataShape,
  after: z
    .string()
    .refine((place) => place.split(',').length === 3 && place.split(',').every((id) => UUID_SHAPED.test(id)), "must be <workflow_id>,<subject_id>,<user_id> of the last row you hold of this project's download, to resume after it, or leave after out for every row")
    .transform((place): ProjectClassificationPlace => {
      const [workflowId, subjectId, userId] = place.toLowerCase().split(',') as [string, string, string];
      return { workflowId, subjectId, userId };
    })
    .optional(),
});
export const projectClassificationsQuery = new ZodPipe(projectClassificationsQuerySchema, '/query');
/** A row's place in the project's download: its workflow, subject and volunteer, in the download's order. */
export interface ProjectClassificationPlace {
  workflowId: string;
  subjectId: string;
  userId: string;
}
export interface ProjectClassificationsQuery extends DownloadQuery {
  metadata: DownloadMetadata;
  after?: ProjectClassificationPlace;
}

/** The consensus download's query: the same parameters as the raw classifications'. */
export const consensusQuery = classificationsQuery;
export type ConsensusQuery = ClassificationsQuery;

export const downloadLinkRequestSchema = z.strictObject({
  kind: z.enum(EXPORT_KINDS, 'must be consensus (a row per subject), classifications (a row per classification) or subject-reports (a row per volunteer’s report of a subject)'),
  /** Put into the link as its `format` (the download's own parameter, checked as it checks it). */
  format: exportFormatSchema.meta({ description: 'csv, json or ndjson: the link opens the download in that format (its &format=); without it, in the one the Accept header prefers, else CSV' }),
  /** Put into the link as its `subjectSetId`, checked as the download checks it (consensus and classifications; a consensus link opens the transcriptions too). */
  subjectSetId: downloadSubjectSetSchema,
});
export type DownloadLinkRequest = z.infer<typeof downloadLinkRequestSchema>;

/** The account's own downloads (`OwnDownloadKind`): its classifications', its comments'. */
export type OwnDownloadFile = 'classifications' | 'comments';
/** The format of one of the account's own downloads, in its path (`classifications.csv`, `comments.csv`). */
export const ownDownloadFormat = (file: OwnDownloadFile) =>
  new ZodPipe(formatSchemaOf(EXPORT_FORMATS, `must be csv, json or ndjson: ${file}.csv, ${file}.json or ${file}.ndjson`), '/params/format');
/** The query of the account's own downloads: the byte-order mark and the link token. */
const ownDownloadQuerySchema = z.strictObject({ bom: downloadShape.bom, token: downloadTokenSchema });
export const ownDownloadQuery = new ZodPipe(ownDownloadQuerySchema, '/query');
export type OwnDownloadQuery = z.infer<typeof ownDownloadQuerySchema>;
/** A link that names only the format it opens its download in: the account's own downloads' (CSV without one), a project's raw classifications'. */
export const formatLinkSchema = z.strictObject({ format: downloadLinkRequestSchema.shape.format }).default({});
export type FormatLinkRequest = z.infer<typeof formatLinkSchema>;

/** How to write the download: the format the query names, else the one the Accept header prefers. */
export const downloadForm = ({ format, bom }: DownloadQuery, accept: string | undefined): DownloadForm => ({ format: format ?? formatAccepted(accept), bom });

/**
 * The transcriptions download's query: the transcription task (its key, checked against the workflow's tasks by the
 * service, which refuses it missing or empty too, naming one of them in its example), the form (`text`, the default, `iiif` or `tei`, in any case), a download link's token, and the one set it is limited to, if any.
 */
export const transcriptionsQuery = new ZodPipe(
  z.strictObject({
    task: z.string().max(100).optional(),
    format: formatSchemaOf(TRANSCRIPTION_FORMATS, 'must be text (plain text, a page per subject: the default), iiif (a IIIF Presentation 3 AnnotationPage) or tei (a TEI P5 XML document)').default('text'),
    token: downloadTokenSchema,
    ...subjectSetShape,
  }),
  '/query',
);
export interface TranscriptionsQuery {
  task?: string;
  format: TranscriptionFormat;
  token?: string;
  subjectSetId?: string;
}
