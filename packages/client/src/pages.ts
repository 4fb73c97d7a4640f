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

/** A comment in its subject's discussion: the page, which brings the comment into view and focuses it. */
export function commentPath(projectSlug: string, subjectId: string, commentId: string): string {
  return `${subjectPath(projectSlug, subjectId)}#${commentAnchor(commentId)}`;
}

/** A workflow's anchor on its project's page, where it says whether it is complete. */
export const workflowAnchor = (workflowId: string) => `workflow-${workflowId}`;

/** A workflow on its project's page. */
export function projectWorkflowPath(projectSlug: string, workflowId: string): string {
  return `${projectPath(projectSlug)}#${workflowAnchor(workflowId)}`;
}

/** A workflow's downloads in the lab (its researchers'). */
export function labDownloadsPath(workflowId: string): string {
  return `/lab/workflows/${encodeURIComponent(workflowId)}#downloads`;
}
