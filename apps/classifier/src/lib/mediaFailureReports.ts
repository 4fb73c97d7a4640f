import type { MediaFailureInput } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';

/** A subject's image or recording that the classify page could not load, in a workflow. */
export type MediaFailureReport = Required<MediaFailureInput> & { workflowId: string };

/** How long the browser stays online after a failed load before the failure is told. */
const TOLD_AFTER_MS = 2_000;

/**
 * The failed loads a page waits to tell, each once: told `TOLD_AFTER_MS` after the failure, whether or not its subject is
 * still on the page (a volunteer who answers at once would otherwise take the failure away with the subject). A load that
 * fails as the connection goes says nothing of the file, and the browser may say the load failed a moment before it says
 * it is offline: what waits is dropped when the browser goes offline, and when it comes back (the viewers try again
 * then, and a try that fails again is told anew); a failure while offline is not told.
 */
class PendingMediaFailures {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly told = new Set<string>();

  constructor(private readonly tell: (failure: MediaFailureReport) => void) {}

  failed = (failure: MediaFailureReport): void => {
    const key = `${failure.workflowId} ${failure.subjectId} ${failure.location}`;
    if (!navigator.onLine || this.told.has(key) || this.pending.has(key)) return;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.told.add(key);
      this.tell(failure);
    }, TOLD_AFTER_MS);
    this.pending.set(key, timer);
  };

  drop = (): void => {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  };
}

/**
 * The page's `failed(failure)`, which tells `tell` of each failed load once, as `PendingMediaFailures` says; what still
 * waits when the page goes is dropped.
 */
export function useMediaFailureReports(tell: (failure: MediaFailureReport) => void): (failure: MediaFailureReport) => void {
  const latest = useRef(tell);
  latest.current = tell;
  const [reports] = useState(() => new PendingMediaFailures((failure) => latest.current(failure)));
  useEffect(() => {
    window.addEventListener('offline', reports.drop);
    window.addEventListener('online', reports.drop);
    return () => {
      window.removeEventListener('offline', reports.drop);
      window.removeEventListener('online', reports.drop);
      reports.drop();
    };
  }, [reports]);
  return reports.failed;
}
