import { MOST_LOCATIONS, imageDescriptionSchema } from '@chorus/tasks';
import { z } from 'zod';

/**
 * `PUT /subjects/:id/image-descriptions`: one entry per location of the subject, in its order: an image's description
 * (null takes it away), null for a sound or a text.
 */
export const imageDescriptionsSchema = z.strictObject({
  descriptions: z.array(imageDescriptionSchema.nullable()).min(1).max(MOST_LOCATIONS, `must be at most ${MOST_LOCATIONS}, the most locations a subject may have`),
});
export type ImageDescriptionsInput = z.infer<typeof imageDescriptionsSchema>;
