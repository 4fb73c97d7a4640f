import type { ChorusClient } from '@chorus/client';
import { useEffect, useLayoutEffect, useRef } from 'react';

/** How often a page whose workflow is paused asks whether it is open again. */
export const REOPEN_CHECK_MS = 30_000;

/**
 * While `paused`: every `REOPEN_CHECK_MS`, and whenever the volunteer comes back to the tab, asks whether the
 * researchers have opened the workflow and its project again, and calls `reopened` once they have, so that a page
 * left open carries on by itself.
 */
export function useWhenReopened(client: ChorusClient, projectSlug: string, workflowId: string, paused: boolean, reopened: () => void): void {
  const onReopened = useRef(reopened);
  useLayoutEffect(() => {
    onReopened.current = reopened;
  });
  useEffect(() => {
    if (!paused) return;
    let cancelled = false;
    const check = async () => {
      const [workflow, project] = await Promise.all([client.getWorkflow(workflowId), client.getProject(projectSlug)]).catch(() => [undefined, undefined]);
      if (cancelled || !workflow || !project) return;
      if (workflow.status !== 'paused' && project.status !== 'paused') onReopened.current();
    };
    const checkIfShown = () => {
      if (document.visibilityState === 'visible') void check();
    };
    const timer = setInterval(checkIfShown, REOPEN_CHECK_MS);
    document.addEventListener('visibilitychange', checkIfShown);
    window.addEventListener('focus', checkIfShown);
    return () => {
      cancelled = true;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', checkIfShown);
      window.removeEventListener('focus', checkIfShown);
    };
  }, [client, projectSlug, workflowId, paused]);
}
