import type { QueuedSubject, QueueView } from '@chorus/client';

/** Fetch the next batch in the background once this many subjects or fewer remain locally. */
export const PREFETCH_THRESHOLD = 3;
export const BATCH_SIZE = 10;

/**
 * The subjects waiting in the browser for one workflow. The head of `subjects` is the one on screen.
 * `seen` holds every subject id this page has ever queued (shown, answered or waiting), so a subject that
 * comes back in a later batch (one fetched while it was still waiting here) is dropped instead of shown twice.
 */
export interface LocalQueue {
  subjects: QueuedSubject[];
  seen: ReadonlySet<string>;
  /** The workflow version of the latest batch; classifications are submitted against it. */
  workflowVersion: number | null;
  /** The server said it has nothing more for this volunteer. */
  finished: boolean;
  reason?: QueueView['reason'];
}

export const emptyQueue: LocalQueue = { subjects: [], seen: new Set(), workflowVersion: null, finished: false };

/** Adds a batch from `GET /workflows/:id/queue`, dropping subjects already seen on this page. */
export function addBatch(queue: LocalQueue, batch: QueueView): { queue: LocalQueue; added: number } {
  const seen = new Set(queue.seen);
  const fresh = batch.subjects.filter((subject) => {
    if (seen.has(subject.id)) return false;
    seen.add(subject.id);
    return true;
  });
  return {
    queue: { subjects: [...queue.subjects, ...fresh], seen, workflowVersion: batch.workflowVersion, finished: batch.finished, reason: batch.reason },
    added: fresh.length,
  };
}

/** Drops the subject on screen once its classification has been stored. */
export function advance(queue: LocalQueue, subjectId: string): LocalQueue {
  return { ...queue, subjects: queue.subjects.filter((subject) => subject.id !== subjectId) };
}

export function needsPrefetch(queue: LocalQueue): boolean {
  return !queue.finished && queue.subjects.length <= PREFETCH_THRESHOLD;
}

/**
 * The local batch survives a reload: the server hands each subject to a volunteer once (an outstanding
 * assignment), so subjects prefetched before a reload would otherwise never come back to this volunteer,
 * and the draft of the one on screen with them.
 */
const STORED_PREFIX = 'chorus.queue.';

export function storeQueue(workflowId: string, queue: LocalQueue): void {
  try {
    if (queue.subjects.length === 0) window.localStorage.removeItem(STORED_PREFIX + workflowId);
    else window.localStorage.setItem(STORED_PREFIX + workflowId, JSON.stringify({ subjects: queue.subjects, workflowVersion: queue.workflowVersion }));
  } catch {
    // storage full or disabled: the batch lives as long as the page
  }
}

export function storedQueue(workflowId: string): LocalQueue {
  try {
    const raw = window.localStorage.getItem(STORED_PREFIX + workflowId);
    if (!raw) return emptyQueue;
    const stored = JSON.parse(raw) as { subjects?: QueuedSubject[]; workflowVersion?: number | null };
    const subjects = Array.isArray(stored.subjects) ? stored.subjects.filter((subject) => typeof subject?.id === 'string') : [];
    return { subjects, seen: new Set(subjects.map((subject) => subject.id)), workflowVersion: stored.workflowVersion ?? null, finished: false };
  } catch {
    return emptyQueue;
  }
}
