import { EXCLUSION_REASON_LENGTH } from '@chorus/client';
import { z } from 'zod';

/** Why a researcher keeps a volunteer's classifications out of the project's consensus. */
export const exclusionSchema = z.strictObject({
  reason: z
    .string({ error: 'is required: say why the volunteer is excluded (a vandal, a bot, a careless account)' })
    .trim()
    .min(1, { error: 'is required: say why the volunteer is excluded (a vandal, a bot, a careless account)' })
    .max(EXCLUSION_REASON_LENGTH, { error: `is too long: at most ${EXCLUSION_REASON_LENGTH} characters` }),
});
export type ExclusionInput = z.infer<typeof exclusionSchema>;
