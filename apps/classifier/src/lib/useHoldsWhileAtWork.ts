import { type ChorusClient, type HoldsRenewed, MOST_HELD_NAMED } from '@chorus/client';
import { type RefObject, useEffect } from 'react';
import { watchReturns } from './backOnPage';
import type { LocalQueue } from './subjectQueue';
import { reloadPage } from './reloadPage';

/** What a renewal of the holds asked: whether the volunteer was at work, and the subject it named as on screen. */
export interface Renewal {
  whileAtWork: boolean;
  /** The subject whose hold the server kept though the workflow no longer asks for it (`onScreen`). */
  onScreen?: string;
}

/** How often a page whose volunteer is at work renews its subjects' holds: well within the ten minutes of a first batch. */
export const RENEW_HOLDS_EVERY_MS = 4 * 60_000;
/**
 * What counts as the volunteer at work on the page: typing, clicking (also as assistive technology does, without a
 * pointer), touching, scrolling or zooming an image, on the subject on screen or its tasks. Closing the tutorial, which
 * every first visit does, or reading help, is not working on a subject.
 */
const AT_WORK_EVENTS = ['keydown', 'pointerdown', 'click', 'input', 'wheel'] as const;
const onTheSubject = (event: Event) => event.target instanceof Element && event.target.closest('[data-subject-id]') !== null;

/**
 * The holds of the subjects waiting on this page follow what the volunteer does with it.
 *
 * While they work: a page's first batch is held for ten minutes and renewed by the next batch's request, which comes
 * with the first answer; one transcription can take longer than that. So every few minutes, when the volunteer has
 * used the page since the last time and it is in view, the page asks the API to hold its subjects for the assignment
 * lifetime again. A page left open and unused renews nothing.
 *
 * When they come back: a page in view again (or its window focused) after it was left, or after the renewal period
 * with no renewal, asks the same at once, before the volunteer starts on a subject that others' answers may have
 * retired meanwhile (their holds lapsed over lunch, say), or that they classified themselves meanwhile on another
 * device (their phone, signed in to the same account) or in another tab. Either way, `renewed` has the answer: the
 * subjects the workflow no longer asks for go, but for those the volunteer began, and those researchers moved to new
 * addresses are shown there.
 *
 * When they leave: a page that goes away (closed, reloaded or left for another site) gives back at once, for others,
 * the subjects `giveBack` takes out of its batch (those it fetched itself that the volunteer has not begun: no
 * draft), rather than holding them for the ten minutes of a first batch, or the half hour of a renewed one; on a small
 * workflow a few visitors who look, or classify one subject, and leave would otherwise hold all of it. A page that was
 * used keeps the subject on screen for when it is opened again (a reload shows it again); subjects kept from before
 * (a reload's, or a closed tab's) stay kept.
 */
export function useHoldsWhileAtWork(
  client: ChorusClient,
  workflowId: string,
  queue: RefObject<LocalQueue>,
  giveBack: (keepOnScreen: boolean) => string[],
  renewed: (answer: HoldsRenewed, renewal: Renewal) => void,
): void {
  useEffect(() => {
    let atWork = false;
    let used = false;
    let gaveBack = false;
    let renewedAt = Date.now();
    const noteWork = (event: Event) => {
      if (!onTheSubject(event)) return;
      atWork = true;
      used = true;
    };
    const renewNow = (whileAtWork: boolean) => {
      atWork = false;
      renewedAt = Date.now();
      const subjectIds = queue.current.subjects.slice(0, MOST_HELD_NAMED).map((subject) => subject.id);
      // The one on screen is named so: the server ends the holds of the others the workflow no longer asks for.
      const [onScreen] = subjectIds;
      // Best effort: a hold that could not be renewed lapses as it would have, and the classification is still accepted.
      if (onScreen) client.renewHolds(workflowId, subjectIds, onScreen).then((answer) => renewed(answer, { whileAtWork, onScreen }), () => undefined);
    };
    const renew = () => {
      if (atWork && document.visibilityState === 'visible') renewNow(true);
    };
    // Back from a moment away (not a whole renewal period), the subject on screen is kept if they had begun on it before
    // they left (a tag typed but not added, a note, the image zoomed): only one they had not touched is replaced.
    const cameBack = (wasAway: boolean) => {
      const longAway = Date.now() - renewedAt > RENEW_HOLDS_EVERY_MS;
      if (wasAway || longAway) renewNow(!longAway && atWork);
    };
    const giveBackUnbegun = () => {
      const subjectIds = giveBack(used).slice(0, MOST_HELD_NAMED);
      if (!subjectIds.length) return;
      gaveBack = true;
      // Sent as the page goes away (keepalive); if it is lost, the holds lapse as they would have.
      client.releaseHolds(workflowId, subjectIds, { keepalive: true }).catch(() => undefined);
    };
    // Shown again from the back-forward cache after giving its subjects back: start afresh.
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted && gaveBack) reloadPage();
    };
    for (const type of AT_WORK_EVENTS) document.addEventListener(type, noteWork, { capture: true, passive: true });
    const timer = setInterval(renew, RENEW_HOLDS_EVERY_MS);
    window.addEventListener('pagehide', giveBackUnbegun);
    window.addEventListener('pageshow', onPageShow);
    const stopWatching = watchReturns(cameBack);
    return () => {
      clearInterval(timer);
      for (const type of AT_WORK_EVENTS) document.removeEventListener(type, noteWork, { capture: true });
      window.removeEventListener('pagehide', giveBackUnbegun);
      window.removeEventListener('pageshow', onPageShow);
      stopWatching();
    };
  }, [client, workflowId, queue, giveBack, renewed]);
}
