import { z } from 'zod';
import { ZodPipe } from '../../common/zod';
import { type DownloadForm, type ExportFormat, bomSchema, exportFormatSchema, formatAccepted, sinceSchema } from '../export-format';

/** Each download's whole query: a parameter it does not know (`sinse`) is refused, not silently ignored. */
export const downloadQuery = new ZodPipe(z.strictObject({ format: exportFormatSchema, since: sinceSchema, bom: bomSchema.default(false) }), '/query');
export interface DownloadQuery {
  format?: ExportFormat;
  since?: Date;
  bom: boolean;
}

/** How to write the download: the format the query names, else the one the Accept header prefers. */
export const downloadForm = ({ format, bom }: DownloadQuery, accept: string | undefined): DownloadForm => ({ format: format ?? formatAccepted(accept), bom });
