import { API_KEY_LIMITS, API_KEY_SCOPES, API_KEY_SCOPES_IN_WORDS } from '@chorus/client';
import { singleLine } from '@chorus/tasks';
import { z } from 'zod';
import { enumOf } from '../../common/zod';

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a key expires: a moment in the future, at most `API_KEY_LIMITS.maxDays` away; by default `defaultDays` from now. */
const expirySchema = z.iso
  .datetime({ offset: true, error: 'must be a moment with its zone, such as 2027-01-31T00:00:00Z' })
  .optional()
  .transform((moment) => (moment === undefined ? new Date(Date.now() + API_KEY_LIMITS.defaultDays * DAY_MS) : new Date(moment)))
  .superRefine((moment, ctx) => {
    if (moment.getTime() <= Date.now()) ctx.addIssue({ code: 'custom', message: 'must be in the future' });
    else if (moment.getTime() > Date.now() + API_KEY_LIMITS.maxDays * DAY_MS) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${API_KEY_LIMITS.maxDays} days away; make a new key when this one expires` });
    }
  });

export const apiKeyRequestSchema = z.strictObject({
  name: singleLine(z.string().trim().min(1, 'must say what the key is for, such as "nightly download"').max(API_KEY_LIMITS.nameLength)),
  scope: enumOf(API_KEY_SCOPES, `must be full, read or downloads (${API_KEY_SCOPES.map((scope) => `${scope}: ${API_KEY_SCOPES_IN_WORDS[scope]}`).join('; ')})`).default('full'),
  expiresAt: expirySchema,
});
export type ApiKeyRequest = z.infer<typeof apiKeyRequestSchema>;
