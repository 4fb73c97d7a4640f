import { NEWS_LIMITS } from '@chorus/client';
import { singleLine } from '@chorus/tasks';
import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

const titleSchema = singleLine(z.string().trim().min(1, 'write a title: a line that says what the news is').max(NEWS_LIMITS.titleLength));
const bodySchema = z.string().trim().min(1, 'write what the news says (Markdown)').max(NEWS_LIMITS.bodyLength);

/** A news item a project's researchers post: `mail`, also mailed to those who asked for the project's news by mail. */
export const newsInputSchema = z.strictObject({
  title: titleSchema,
  body: bodySchema,
  mail: z.boolean('must be true (mail it to the project’s subscribers too) or false').default(false),
});
export type NewsInput = z.infer<typeof newsInputSchema>;

/** A change of a news item: never mailed again (`mail` is no field of it). */
export const newsEditSchema = z.strictObject({ title: titleSchema.optional(), body: bodySchema.optional() });
export type NewsEdit = z.infer<typeof newsEditSchema>;

/** The query of `GET /projects/:id/news`: newest first, a page at a time. */
export const newsQuerySchema = z.strictObject({
  limit: pageLimitSchema(50, 10),
  after: timeCursorSchema,
});
export type NewsQuery = z.infer<typeof newsQuerySchema>;
