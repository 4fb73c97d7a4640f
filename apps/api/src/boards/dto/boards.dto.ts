import { BOARD_LIMITS } from '@chorus/client';
import { singleLine } from '@chorus/tasks';
import { z } from 'zod';
import { oneLineNameSchema, pageLimitSchema, timeCursorSchema } from '../../common/zod';
import { commentInputSchema } from '../../discussions/dto/discussions.dto';

const title = oneLineNameSchema('the board’s title', 'the board (Help, Science, Chat…)', BOARD_LIMITS.titleLength);
const description = z
  .string('must be text (Markdown), or empty for none')
  .trim()
  .max(BOARD_LIMITS.descriptionLength, `must be at most ${BOARD_LIMITS.descriptionLength} characters: shorten it`);

/** A new board: its title, and what it is for. */
export const boardInputSchema = z.strictObject({ title, description: description.optional() });
export type BoardInput = z.infer<typeof boardInputSchema>;

/** A board's changes: any of its title, description, place in the list (from 0) and whether it is archived. */
export const boardChangesSchema = z
  .strictObject({
    title: title.optional(),
    description: description.optional(),
    position: z.int('must be the board’s place in the list, a whole number from 0').min(0, 'must be 0 (first) or more').optional(),
    archived: z.boolean('must be true (archive it: read only) or false (open it again)').optional(),
  })
  .refine((changes) => Object.keys(changes).length > 0, { message: 'send at least one of title, description, position and archived', path: ['title'] });
export type BoardChanges = z.infer<typeof boardChangesSchema>;

/** A new discussion in a board: its title, and its first comment (as a subject's comment, without a reply). */
export const boardDiscussionInputSchema = z.strictObject({
  title: singleLine(
    z
      .string('must be the discussion’s title, as text')
      .trim()
      .min(1, 'must not be empty: say what the discussion is about')
      .max(BOARD_LIMITS.discussionTitleLength, `must be at most ${BOARD_LIMITS.discussionTitleLength} characters: shorten it, and say the rest in the comment`),
  ),
  body: commentInputSchema.shape.body,
});
export type BoardDiscussionInput = z.infer<typeof boardDiscussionInputSchema>;

/** A comment in a board discussion: as a subject's, without the project (the discussion's). */
export const boardCommentInputSchema = commentInputSchema.omit({ projectId: true });
export type BoardCommentInput = z.infer<typeof boardCommentInputSchema>;

/** The query of `GET /boards/:id/discussions`. */
export const boardDiscussionsQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  /** After the discussion last active at this time (the `next` of the page before). */
  after: timeCursorSchema,
});
export type BoardDiscussionsQuery = z.infer<typeof boardDiscussionsQuerySchema>;
