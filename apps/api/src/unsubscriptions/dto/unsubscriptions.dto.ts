import { z } from 'zod';

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
