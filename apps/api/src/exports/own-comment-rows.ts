import { accountRequired } from '../common/problem';
import { type OwnCommentRow, ownCommentView, ownCommentsSql } from '../discussions/own-comments';
import { COMMENT_COLUMNS } from './comment-rows';
import { type RecordOf, downloadTime } from './export-format';

/** A guest asking for its comments' download, or a link to it: guests write no comments. */
export const ownCommentsNeedAnAccount = () =>
  accountRequired('Sign in to download your comments: guests read discussions, and only volunteers with an account write in them (GET /account/comments lists none for a guest).');

/** Every comment of the caller ($1, an account), oldest first, as `GET /account/comments` lists them. */
export const OWN_COMMENT_ROWS = ownCommentsSql('ASC');

/** The columns of a volunteer's download of their own comments, each with what it holds (the API's documentation and the README list them). */
export const OWN_COMMENT_COLUMNS = {
  comment_id: COMMENT_COLUMNS.comment_id,
  project_slug: "the project's slug, as in its address; empty for a project Chorus's operators took down",
  project_title: "the project's title; empty for a project Chorus's operators took down",
  subject_id: "the id of the subject it is about (only its id: the subject's content is the project's); empty for a comment in a board discussion (its discussion_url leads to it)",
  discussion_url: "the classifier's page of the subject's discussion, or of the board discussion, at the comment, whole (under the server's PUBLIC_URL; without it, under the address the download was asked at); empty while you may not read the project (taken back to draft, or taken down)",
  body: COMMENT_COLUMNS.body,
  hashtags: COMMENT_COLUMNS.hashtags,
  reply_to: "the comment_id of the comment in the same discussion it replies to; empty if none, or if its discussion does not show you that one (deleted, or another's the moderators hid)",
  created_at: COMMENT_COLUMNS.created_at,
  edited_at: COMMENT_COLUMNS.edited_at,
  hidden: "whether the project's moderators or researchers hid it from other volunteers",
  hidden_at: 'when it was hidden; empty when it is shown',
  hidden_reason: "why it was hidden, in the team's words, while you are on the project's team (as in its discussion); empty otherwise",
  discussion_title: 'the title of the board discussion it is in; empty for a comment on a subject, and while you may not read the project',
} as const;

/** The columns above that hold a list: a JSON list in JSON and NDJSON, joined with `;` in CSV. */
export const OWN_COMMENT_LIST_COLUMNS = ['hashtags'] as const satisfies readonly (keyof typeof OWN_COMMENT_COLUMNS)[];

/**
 * One of the caller's comments as the download gives it: what `GET /account/comments` shows of it (`ownCommentView`),
 * flat, its discussion's address whole, under the server's root (`root`): a file outlives the page it was saved from.
 */
export function ownCommentRecord(row: OwnCommentRow, root: string): RecordOf<keyof typeof OWN_COMMENT_COLUMNS, never, (typeof OWN_COMMENT_LIST_COLUMNS)[number]> {
  const comment = ownCommentView(row);
  return {
    comment_id: comment.id,
    project_slug: comment.project?.slug ?? null,
    project_title: comment.project?.title ?? null,
    subject_id: comment.subjectId,
    discussion_url: comment.discussionUrl && `${root}${comment.discussionUrl}`,
    body: comment.body,
    hashtags: comment.hashtags,
    reply_to: comment.replyTo,
    created_at: downloadTime(row.created_at),
    edited_at: downloadTime(row.edited_at),
    hidden: comment.hidden !== null,
    hidden_at: downloadTime(row.hidden_at),
    hidden_reason: comment.hidden?.reason ?? null,
    discussion_title: row.readable ? row.discussion_title : null,
  };
}
