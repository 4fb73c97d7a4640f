import { EXPORT_KINDS, type ExportFormat } from '@chorus/client';
import { z } from 'zod';
import { ZodPipe } from '../../common/zod';
import { type DownloadForm, bomSchema, exportFormatSchema, formatAccepted, sinceSchema } from '../export-format';

/**
 * Each download's whole query: a parameter it does not know (`sinse`) is refused, not silently ignored. `token`: a
 * download link's (`POST /workflows/:id/download-links`), in place of an Authorization header.
 */
export const downloadQuery = new ZodPipe(
  z.strictObject({ format: exportFormatSchema, since: sinceSchema, bom: bomSchema.default(false), token: z.string().min(1).max(2000).optional() }),
  '/query',
);
export interface DownloadQuery {
  format?: ExportFormat;
  since?: Date;
  bom: boolean;
  token?: string;
}

export const downloadLinkRequestSchema = z.strictObject({
  kind: z.enum(EXPORT_KINDS, 'must be consensus (a row per subject), classifications (a row per classification) or subject-reports (a row per volunteer’s report of a subject)'),
});
export type DownloadLinkRequest = z.infer<typeof downloadLinkRequestSchema>;

/** How to write the download: the format the query names, else the one the Accept header prefers. */
export const downloadForm = ({ format, bom }: DownloadQuery, accept: string | undefined): DownloadForm => ({ format: format ?? formatAccepted(accept), bom });
