import { COMMENT_LIMITS, STORED_HASHTAG, mentionsOf, normaliseHashtag } from '@chorus/client';
import { z } from 'zod';
import { pageLimitSchema, timeCursorSchema } from '../../common/zod';
import { searchSchema } from '../../common/search';

const bodySchema = z
  .string({ error: 'must be the comment, as text (Markdown)' })
  .trim()
  .min(1, 'must not be empty: write the comment')
  .max(COMMENT_LIMITS.bodyLength, `must be at most ${COMMENT_LIMITS.bodyLength} characters; shorten it, or split it into two comments`)
  .refine((body) => mentionsOf(body).length <= COMMENT_LIMITS.mentions, `must have at most ${COMMENT_LIMITS.mentions} @mentions (different names, @team among them); mention fewer volunteers`);

/** A new comment in a subject's discussion: the subject's project (where the discussion is), what it says, and the comment it answers, if any. */
export const commentInputSchema = z.strictObject({
  projectId: z.uuid('must be the id of the subject’s project'),
  body: bodySchema,
  replyTo: z.uuid('must be the id of the comment on this subject you reply to; leave it out for a comment that replies to none').optional(),
});
export type CommentInput = z.infer<typeof commentInputSchema>;

/** A comment rewritten by its author. */
export const commentEditSchema = z.strictObject({ body: bodySchema });
export type CommentEdit = z.infer<typeof commentEditSchema>;

/** A moderator's or researcher's reason, for the team: required, `why` saying what it explains, and as long as a hiding's at most. */
const moderationReasonSchema = (why: string) =>
  z
    .string({ error: `must say why ${why}` })
    .trim()
    .min(1, `must say why ${why}`)
    .max(COMMENT_LIMITS.hiddenReasonLength, `must be at most ${COMMENT_LIMITS.hiddenReasonLength} characters`);

/** Why a moderator or researcher hides a comment from volunteers. */
export const commentHidingSchema = z.strictObject({ reason: moderationReasonSchema('the comment is hidden') });
export type CommentHiding = z.infer<typeof commentHidingSchema>;

/** Why a moderator or researcher stops a volunteer from commenting in the project. */
export const commentBanInputSchema = z.strictObject({
  reason: moderationReasonSchema('the volunteer may no longer comment in this project'),
  hideComments: z
    .boolean({ error: 'must be true to hide all their comments in the project with the ban’s reason, or false (or left out) to leave them as they are' })
    .optional()
    .meta({ description: 'Also hide every comment of theirs in the project not hidden yet, with the ban’s reason (its `commentsHidden` says how many)' }),
});
export type CommentBanInput = z.infer<typeof commentBanInputSchema>;

const pageSchema = {
  limit: pageLimitSchema(100, 20),
  after: timeCursorSchema,
};

/** The query of `GET /subjects/:id/comments`. */
export const subjectCommentsQuerySchema = z.strictObject({
  projectId: z.uuid('must be the id of the subject’s project'),
  ...pageSchema,
});
export type SubjectCommentsQuery = z.infer<typeof subjectCommentsQuerySchema>;

/** The query of `PUT` and `DELETE /subjects/:id/follow`: the subject's project, whose discussion of it is followed. */
export const discussionFollowQuerySchema = z.strictObject({ projectId: z.uuid('must be the id of the subject’s project, whose discussion of it you follow') });
export type DiscussionFollowQuery = z.infer<typeof discussionFollowQuerySchema>;

/** A #hashtag as comments store it: lower case, without the #. */
export const hashtagSchema = z
  .string()
  .transform(normaliseHashtag)
  .pipe(z.string().regex(STORED_HASHTAG, `must be a hashtag: letters (with their marks), digits and _, at most ${COMMENT_LIMITS.hashtagLength} characters, with or without its #`));

/** Words to find in a project's comments, each in the body. */
export const commentSearchSchema = searchSchema('the comments', 'q out for every comment');

/** One volunteer's comments, for the project's moderators and researchers: their account id. */
export const authorSchema = z.uuid('must be the account id of the comments’ author (a reported comment’s author.id, a comment ban’s volunteerId)');

/** The query of `GET /projects/:id/comments`. */
export const projectCommentsQuerySchema = z.strictObject({
  tag: hashtagSchema.optional(),
  q: commentSearchSchema.optional(),
  author: authorSchema.optional(),
  ...pageSchema,
});
export type ProjectCommentsQuery = z.infer<typeof projectCommentsQuerySchema>;

/** A page of comments: `GET /account/comments`, the caller's, and `GET /board-discussions/:id/comments`, a discussion's. */
export const commentPageQuerySchema = z.strictObject(pageSchema);
export type CommentPageQuery = z.infer<typeof commentPageQuerySchema>;
/** The query of `GET /account/comments`: the caller's comments, a page at a time. */
export const ownCommentsQuerySchema = commentPageQuerySchema;
export type OwnCommentsQuery = z.infer<typeof ownCommentsQuerySchema>;

/** The query of `GET /projects/:id/comment-bans`. */
export const commentBansQuerySchema = z.strictObject({
  limit: pageLimitSchema(100, 20),
  after: timeCursorSchema,
});
export type CommentBansQuery = z.infer<typeof commentBansQuerySchema>;
