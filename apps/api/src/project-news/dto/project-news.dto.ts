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

/** The one-click unsubscription's query: the token of the mail's link. */
const unsubscribeTokenSchema = z.string('must be the token of the link in the mail').min(1, 'must be the token of the link in the mail').max(2000);
/** The token as a mail's `List-Unsubscribe` address has it (a mail client's one-click POST may add nothing else that is read). */
export const unsubscribeQuerySchema = z.strictObject({ token: unsubscribeTokenSchema.optional() });
/** The token as the unsubscription page sends it (out of the address, so out of proxies' logs). */
export const unsubscribeBodySchema = z.strictObject({ token: unsubscribeTokenSchema });
export type UnsubscribeBody = z.infer<typeof unsubscribeBodySchema> | undefined;
export type UnsubscribeQuery = z.infer<typeof unsubscribeQuerySchema>;
/** The token a one-click unsubscription was given, and where (the body's first, as the page sends it): none if neither has one. */
export const unsubscribeTokenOf = (query: UnsubscribeQuery, body: UnsubscribeBody): { token: string; pointer: string } | undefined =>
  body?.token ? { token: body.token, pointer: '/token' } : query.token ? { token: query.token, pointer: '/query/token' } : undefined;
