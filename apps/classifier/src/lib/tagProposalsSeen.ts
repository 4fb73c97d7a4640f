const PREFIX = 'chorus.tagProposalsSeen.';

/**
 * Where this browser's moderator stopped reading a workflow's tag proposals: the moment after the newest one they were
 * shown (as `since` of `GET /workflows/:id/tag-proposals`), or null before their first look.
 */
export function tagProposalsSeenUntil(workflowId: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + workflowId);
  } catch {
    return null; // storage disabled: every proposal is listed, as on a first look
  }
}

/** Remembers that the moderator was shown the proposals up to the newest one's `proposedAt`. */
export function markTagProposalsSeen(workflowId: string, newestProposedAt: string): void {
  // A millisecond on: `proposedAt` drops the microseconds the answer was stored with, and `since` keeps those stored at
  // or after it, which would list the newest one seen again.
  const until = new Date(Date.parse(newestProposedAt) + 1).toISOString();
  const seen = tagProposalsSeenUntil(workflowId);
  if (seen !== null && seen >= until) return;
  try {
    window.localStorage.setItem(PREFIX + workflowId, until);
  } catch {
    // storage disabled or full: the next look lists them all
  }
}
