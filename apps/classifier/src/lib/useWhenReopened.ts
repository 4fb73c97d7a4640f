import type { ChorusClient } from '@chorus/client';
import { useEffect, useLayoutEffect, useRef } from 'react';

/** How often a page whose workflow is paused asks whether it is open again. */
const REOPEN_CHECK_MS = 30_000;

/**
 * While `paused`: every `REOPEN_CHECK_MS`, and whenever the volunteer comes back to the tab, asks whether the
 * researchers have taken the workflow and its project out of pause, and calls `unpaused` once they have, so that a page
 * left open carries on by itself: `open` when both are open to volunteers again, not when they were finished instead.
 */
export function useWhenReopened(client: ChorusClient, projectSlug: string, workflowId: string, paused: boolean, unpaused: (open: boolean) => void): void {
  const onUnpaused = useRef(unpaused);
  useLayoutEffect(() => {
    onUnpaused.current = unpaused;
  });
  useEffect(() => {
    if (!paused) return;
    let cancelled = false;
    let checking = false;
    const check = async () => {
      checking = true;
      const [workflow, project] = await Promise.all([client.getWorkflow(workflowId), client.getProject(projectSlug)]).catch(() => [undefined, undefined]);
      checking = false;
      if (cancelled || !workflow || !project || workflow.status === 'paused' || project.status === 'paused') return;
      cancelled = true; // once is enough
      onUnpaused.current(workflow.status === 'active' && project.status === 'live');
    };
    // Coming back to the tab fires both events: one check at a time.
    const checkIfShown = () => {
      if (document.visibilityState === 'visible' && !checking && !cancelled) void check();
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
