import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** The query of `GET /account/notifications`. */
export const notificationsQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  after: timeCursorSchema,
});
export type NotificationsQuery = z.infer<typeof notificationsQuerySchema>;

/** The body of `POST /account/notifications/read`: which of the caller's notifications to mark read, or (without `ids`) all. */
export const notificationsReadSchema = z.strictObject({
  ids: z
    .array(z.uuid('must be the id of one of your notifications'), { error: 'must be a list of your notifications’ ids; leave it out to mark them all read' })
    .min(1, 'must name at least one notification; leave it out to mark them all read')
    .max(100, 'must name at most 100 notifications; leave it out to mark them all read')
    .optional(),
});
export type NotificationsRead = z.infer<typeof notificationsReadSchema>;
