import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth.decorators';

/**
 * An answer to anyone without credentials is kept by shared caches only to be asked again (what it shows may be taken
 * back at once: a take-down, a profile hidden); with credentials, the hook's `private, no-store` stays.
 */
export const revalidated = (reply: FastifyReply, user: AuthUser | undefined) => {
  if (!user) reply.header('cache-control', 'no-cache');
};
