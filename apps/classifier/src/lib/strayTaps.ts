import type { RefObject } from 'react';

/**
 * How long after a task comes on screen a click or tap on it is taken for the second tap of the press that brought it
 * (a double tap on Next, or a second tap on a slow phone that seemed to do nothing), not for a choice: too soon to have
 * read the new task, and the new task came up under the finger.
 */
export const SETTLE_MS = 500;

/** A pointer (a finger, a mouse button, a pen) was pressed since the last task came on screen. */
let pressedSinceLastTask = false;
if (typeof document !== 'undefined') {
  document.addEventListener(
    'pointerdown',
    () => {
      pressedSinceLastTask = true;
    },
    true,
  );
}

/** How each task's element came on screen: kept by element, as React's strict mode runs its effects twice. */
const arrivals = new WeakMap<HTMLElement, { cameWithPress: boolean; shownAt: number }>();

function arrivalOf(element: HTMLElement): { cameWithPress: boolean; shownAt: number } {
  let arrival = arrivals.get(element);
  if (!arrival) {
    arrival = { cameWithPress: pressedSinceLastTask, shownAt: performance.now() };
    pressedSinceLastTask = false;
    arrivals.set(element, arrival);
  }
  return arrival;
}

/**
 * Call as a task comes on screen: for `SETTLE_MS`, a press or click on `element` changes nothing (nor moves focus from
 * the control the task focused), if the task came after a press. Not when it came with the page or by the keyboard,
 * and never for the keyboard's own clicks (Space on a checkbox, `detail` 0): keys are pressed on purpose, so a number
 * key or Enter right after the change works. The same on `buttons`, those that leave the task (Next, Back, Done): they
 * stay where they were, under the finger, so a second tap there would go on, or back, a second time. Listened for on
 * the document and told apart by where the tap lands, when it lands: the first task of a subject comes on screen
 * before its buttons do. `ignored` is told of each tap ignored. Returns what ends the guard (call it when the task goes).
 */
export function ignoreStrayTaps(element: HTMLElement | null, buttons: RefObject<HTMLElement | null>, ignored: () => void): () => void {
  if (!element) return () => {};
  const { cameWithPress, shownAt } = arrivalOf(element);
  if (!cameWithPress) return () => {};
  const ignore = (event: MouseEvent) => {
    if (event.detail === 0 || performance.now() - shownAt >= SETTLE_MS) return;
    const target = event.target instanceof Node ? event.target : null;
    if (!target || !(element.contains(target) || buttons.current?.contains(target))) return;
    // Native and capturing, so that React (listening at the root) never sees it: a checkbox toggled by this click is
    // put back by the browser, and a label's click never reaches its control.
    event.preventDefault();
    event.stopPropagation();
    if (event.type === 'click') ignored();
  };
  document.addEventListener('mousedown', ignore, true);
  document.addEventListener('click', ignore, true);
  return () => {
    document.removeEventListener('mousedown', ignore, true);
    document.removeEventListener('click', ignore, true);
  };
}
