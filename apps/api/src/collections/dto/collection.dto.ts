import { COLLECTION_LIMITS } from '@chorus/client';
import { z } from 'zod';
import { oneLineNameSchema, pageLimitSchema, timeCursorSchema } from '../../common/zod';

const name = oneLineNameSchema('the collection’s name', 'the collection', COLLECTION_LIMITS.name);
const description = z
  .string('must be text, or null for none')
  .trim()
  .max(COLLECTION_LIMITS.description, `must be at most ${COLLECTION_LIMITS.description} characters: shorten it`)
  .transform((text) => text || null)
  .nullable();
const isPublic = z.boolean('must be true (everyone may read it) or false (only you)');

/** A new collection: its name, and optionally a description and whether everyone may read it (private by default). */
export const createCollectionSchema = z.strictObject({ name, description: description.optional(), public: isPublic.optional() });
export type CreateCollectionInput = z.infer<typeof createCollectionSchema>;

/** A collection's changes: any of its name, description and openness. */
export const updateCollectionSchema = z
  .strictObject({ name: name.optional(), description: description.optional(), public: isPublic.optional() })
  .refine((changes) => Object.keys(changes).length > 0, { message: 'send at least one of name, description and public', path: ['name'] });
export type UpdateCollectionInput = z.infer<typeof updateCollectionSchema>;

/** A page of a collection's subjects, the latest added first. */
export const collectionSubjectsQuerySchema = z.strictObject({ limit: pageLimitSchema(100, 24), after: timeCursorSchema });
export type CollectionSubjectsQuery = z.infer<typeof collectionSubjectsQuerySchema>;

/** The query of `GET /account/collections`: the caller's collections, a page at a time; with `subjectId`, each says whether it holds it. */
export const myCollectionsQuerySchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject').optional(),
  limit: pageLimitSchema(COLLECTION_LIMITS.perAccount, 20),
  after: timeCursorSchema,
});
export type MyCollectionsQuery = z.infer<typeof myCollectionsQuerySchema>;

/** A page of a volunteer's public collections (their profile's), newest first. */
export const publicCollectionsQuerySchema = z.strictObject({ limit: pageLimitSchema(COLLECTION_LIMITS.perAccount, 20), after: timeCursorSchema });
export type PublicCollectionsQuery = z.infer<typeof publicCollectionsQuerySchema>;
