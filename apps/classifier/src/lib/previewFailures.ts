/**
 * The subjects of a project whose preview image did not load in this tab's browser (the lab's subject set pages): kept
 * for the tab's session, so that making the project live asks first. A preview that loads since (an address
 * corrected, a server back) takes its subject off.
 */
const key = (projectId: string) => `chorus.previewsFailed.${projectId}`;

export function previewsFailed(projectId: string): string[] {
  try {
    const stored: unknown = JSON.parse(window.sessionStorage.getItem(key(projectId)) ?? '[]');
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return []; // storage disabled or spoilt: nothing known
  }
}

/** Notes whether a subject's preview loaded (`failed` false) or not, in this tab. */
export function rememberPreview(projectId: string, subjectId: string, failed: boolean): void {
  const now = previewsFailed(projectId).filter((id) => id !== subjectId);
  try {
    window.sessionStorage.setItem(key(projectId), JSON.stringify(failed ? [...now, subjectId] : now));
  } catch {
    // storage disabled: the project is made live without asking
  }
}
