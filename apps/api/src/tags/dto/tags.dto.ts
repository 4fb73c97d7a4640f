import { HIDDEN_TAG_LIMITS } from '@chorus/client';
import { tagSchema, taskKeySchema } from '@chorus/tasks';
import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema, timeCursorPattern } from '../../common/zod';
import { sinceSchema } from '../../exports/export-format';

/** `?task=T4`: the tagging task whose proposed tags are asked for. */
export const tagsTaskSchema = z.string({ error: 'is required: the key of a tagging task of this workflow' }).pipe(taskKeySchema);

/** A tag proposed for a subject in a tagging task of the workflow, to hide from volunteers, and why (optional). */
export const hiddenTagInputSchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject of the workflow'),
  task: z.string({ error: 'is required: the key of a tagging task of this workflow' }).pipe(taskKeySchema),
  tag: z.string({ error: 'is required: the tag to hide, as volunteers proposed it (its case and spaces do not matter)' }).pipe(tagSchema),
  reason: z
    .string()
    .trim()
    .max(HIDDEN_TAG_LIMITS.reasonLength, `must be at most ${HIDDEN_TAG_LIMITS.reasonLength} characters`)
    // An empty reason is no reason.
    .transform((reason) => reason || undefined)
    .optional(),
});
export type HiddenTagInput = z.infer<typeof hiddenTagInputSchema>;

/** `DELETE /workflows/:id/hidden-tags?subjectId=…&task=…&tag=…`: the hidden tag to show volunteers again. */
export const hiddenTagQuerySchema = hiddenTagInputSchema.omit({ reason: true });
export type HiddenTagQuery = z.infer<typeof hiddenTagQuerySchema>;

/** Where a page of tag proposals starts: after this answer (its time to the microsecond, its id, the annotation's place). */
const CURSOR = timeCursorPattern('(\\d{1,3})');
export const tagProposalCursor = (createdAt: string, classificationId: string, position: number) => `${createdAt}_${classificationId}_${position}`;

/** The query of `GET /workflows/:id/tag-proposals`. */
export const tagProposalsQuerySchema = z.strictObject({
  subjectId: z.uuid('must be the id of a subject of the workflow').optional(),
  /** Only the answers stored since then (a moderator's last look), as the downloads read `since`. */
  since: sinceSchema,
  limit: pageLimitSchema(100, 20),
  after: pageCursorSchema(CURSOR, ([createdAt, classificationId, position]) => ({ createdAt: createdAt!, classificationId: classificationId!, position: Number(position) })),
});
export type TagProposalsQuery = z.infer<typeof tagProposalsQuerySchema>;
