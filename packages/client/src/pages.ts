/**
 * Paths of the classifier's pages that others link to as well (the API's mails): one definition for both, so a link
 * in a mail leads where the classifier's own links do.
 */

/** A project's page. */
export function projectPath(projectSlug: string): string {
  return `/projects/${encodeURIComponent(projectSlug)}`;
}

/** A subject's discussion in its project (Talk): the subject, what volunteers and the team said, and a form to add to it. */
export function subjectPath(projectSlug: string, subjectId: string): string {
  return `${projectPath(projectSlug)}/subjects/${encodeURIComponent(subjectId)}`;
}

/** A comment's anchor in its discussion's page. */
export const commentAnchor = (commentId: string) => `comment-${commentId}`;

/** A comment in its discussion (a subject's or a board's): the page, which brings the comment into view and focuses it. */
export function commentPath(projectSlug: string, discussion: CommentPlace, commentId: string): string {
  return `${discussion.subjectId ? subjectPath(projectSlug, discussion.subjectId) : boardDiscussionPath(projectSlug, discussion.boardDiscussionId!)}#${commentAnchor(commentId)}`;
}

/** Where a comment is: a subject's discussion, or (`subjectId` null) a board discussion. */
export interface CommentPlace {
  subjectId: string | null;
  boardDiscussionId: string | null;
}

/** A project's Talk board in the classifier: its discussions. */
export function boardPath(projectSlug: string, boardId: string): string {
  return `${projectPath(projectSlug)}/boards/${encodeURIComponent(boardId)}`;
}

/** A board discussion in the classifier. */
export function boardDiscussionPath(projectSlug: string, discussionId: string): string {
  return `${projectPath(projectSlug)}/talk/${encodeURIComponent(discussionId)}`;
}

/** A project's page in the researcher lab. */
export function labProjectPath(projectSlug: string): string {
  return `/lab/projects/${encodeURIComponent(projectSlug)}`;
}

/** A workflow's page in the researcher lab. */
export function labWorkflowPath(workflowId: string): string {
  return `/lab/workflows/${encodeURIComponent(workflowId)}`;
}

/** The anchors of the lab's lists of reported comments (a project's page) and subjects (a workflow's page). */
export const REPORTED_COMMENTS_ANCHOR = 'reported-comments';
export const REPORTED_SUBJECTS_ANCHOR = 'reported-subjects';

/** A project's reported comments, on its page in the lab. */
export const reportedCommentsPath = (projectSlug: string) => `${labProjectPath(projectSlug)}#${REPORTED_COMMENTS_ANCHOR}`;

/** A workflow's reported subjects, on its page in the lab. */
export const reportedSubjectsPath = (workflowId: string) => `${labWorkflowPath(workflowId)}#${REPORTED_SUBJECTS_ANCHOR}`;

/** A workflow's anchor on its project's page, where it says whether it is complete. */
export const workflowAnchor = (workflowId: string) => `workflow-${workflowId}`;

/** A workflow on its project's page. */
export function projectWorkflowPath(projectSlug: string, workflowId: string): string {
  return `${projectPath(projectSlug)}#${workflowAnchor(workflowId)}`;
}

/** A workflow's downloads in the lab (its researchers'). */
export function labDownloadsPath(workflowId: string): string {
  return `${labWorkflowPath(workflowId)}#downloads`;
}
