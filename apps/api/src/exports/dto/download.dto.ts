import { z } from 'zod';
import { ZodPipe } from '../../common/zod';
import { type ExportFormat, exportFormatSchema, sinceSchema } from '../export-format';

/** Each download's whole query: a parameter it does not know (`sinse`) is refused, not silently ignored. */
export const downloadQuery = new ZodPipe(z.strictObject({ format: exportFormatSchema, since: sinceSchema }), '/query');
export interface DownloadQuery {
  format?: ExportFormat;
  since?: Date;
}
