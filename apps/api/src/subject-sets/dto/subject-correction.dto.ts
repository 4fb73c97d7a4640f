import { SUBJECT_CORRECTION_LIMITS } from '@chorus/client';
import { singleLine, subjectLocationsSchema } from '@chorus/tasks';
import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** The longest file name an upload's `fileName` takes (a passage's name is made of it). */
export const FILE_NAME_LENGTH = 200;

const reasonSchema = z.string().trim().min(1, 'must say why the addresses changed, for the record').max(SUBJECT_CORRECTION_LIMITS.reasonLength);

/** `PATCH /subjects/:id`: the subject's locations at their new addresses, and why. */
export const subjectCorrectionSchema = z.strictObject({ locations: subjectLocationsSchema, reason: reasonSchema });
export type SubjectCorrectionInput = z.infer<typeof subjectCorrectionSchema>;

/**
 * The query of an upload: `replaceLocations=true` lets subjects already in the project take the locations sent, as
 * corrections (with the `reason` recorded for each); without it, other locations are refused. `fileName`, a text
 * corpus's file name, names its passages (`passageNames`).
 */
export const uploadQuerySchema = z
  .strictObject({
    replaceLocations: z.enum(['true', 'false'], 'must be true (subjects sent again take the new addresses sent) or false').optional(),
    reason: reasonSchema.optional(),
    fileName: singleLine(z.string().trim().min(1, 'must name the file, or be left out').max(FILE_NAME_LENGTH)).optional(),
  })
  .superRefine(({ replaceLocations, reason }, ctx) => {
    if (replaceLocations === 'true' && reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required with replaceLocations=true: say why the addresses changed, for the record' });
    if (replaceLocations !== 'true' && reason !== undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is read only with replaceLocations=true; leave it out, or add replaceLocations=true' });
  })
  .transform(({ replaceLocations, reason, fileName }) => ({ replacing: replaceLocations === 'true' ? { reason: reason! } : undefined, fileName }));
export type UploadQuery = Partial<z.infer<typeof uploadQuerySchema>>;
/** With `replaceLocations=true`: the reason to record for each correction; else undefined. */
export type LocationReplacing = UploadQuery['replacing'];

/** The query of `GET /subjects/:id/location-changes`. */
export const locationChangesQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  after: timeCursorSchema,
});
export type LocationChangesQuery = z.infer<typeof locationChangesQuerySchema>;
