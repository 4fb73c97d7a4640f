import type { ChorusClient } from '@chorus/client';
import { type RefObject, useEffect } from 'react';
import type { LocalQueue } from './subjectQueue';

/** How often a page whose volunteer is at work renews its subjects' holds: well within the ten minutes of a first batch. */
export const RENEW_HOLDS_EVERY_MS = 4 * 60_000;
/** What counts as the volunteer at work on the page: typing, clicking, touching, scrolling or zooming an image. */
const AT_WORK_EVENTS = ['keydown', 'pointerdown', 'input', 'wheel'] as const;

/**
 * Keeps the subjects waiting on this page held while the volunteer works on them. A page's first batch is held for
 * ten minutes and renewed by the next batch's request, which comes with the first answer; one transcription can take
 * longer than that. So every few minutes, when the volunteer has used the page since the last time and it is in
 * view, the page asks the API to hold its subjects for the assignment lifetime again. A page left open and unused
 * renews nothing, and its subjects go back to the pool when their holds lapse.
 */
export function useHoldsWhileAtWork(client: ChorusClient, workflowId: string, queue: RefObject<LocalQueue>): void {
  useEffect(() => {
    let atWork = false;
    const noteWork = () => {
      atWork = true;
    };
    const renew = () => {
      if (!atWork || document.visibilityState !== 'visible') return;
      atWork = false;
      const subjectIds = queue.current.subjects.slice(0, 100).map((subject) => subject.id);
      // Best effort: a hold that could not be renewed lapses as it would have, and the classification is still accepted.
      if (subjectIds.length) client.renewHolds(workflowId, subjectIds).catch(() => undefined);
    };
    for (const type of AT_WORK_EVENTS) document.addEventListener(type, noteWork, { capture: true, passive: true });
    const timer = setInterval(renew, RENEW_HOLDS_EVERY_MS);
    return () => {
      clearInterval(timer);
      for (const type of AT_WORK_EVENTS) document.removeEventListener(type, noteWork, { capture: true });
    };
  }, [client, workflowId, queue]);
}
