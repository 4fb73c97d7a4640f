import { z } from 'zod';
import { ZodPipe } from '../../common/zod';
import { type ExportFormat, bomSchema, exportFormatSchema, sinceSchema } from '../export-format';

/** Each download's whole query: a parameter it does not know (`sinse`) is refused, not silently ignored. */
export const downloadQuery = new ZodPipe(z.strictObject({ format: exportFormatSchema, since: sinceSchema, bom: bomSchema.optional() }), '/query');
export interface DownloadQuery {
  format?: ExportFormat;
  since?: Date;
  bom?: boolean;
}
