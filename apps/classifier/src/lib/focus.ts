import { type RefObject, useEffect, useRef } from 'react';

const CONTROL = 'input:not([type="hidden"]):not([tabindex="-1"]), textarea, select, button:not([tabindex="-1"])';

/**
 * The control a task wants focused first: the one marked `data-autofocus`, else its first field or button; of a radio
 * group, its checked radio, as Tab into a native group goes (an answer chosen before Back, or restored from a draft).
 */
export function firstControlIn(element: ParentNode | null | undefined): HTMLElement | null {
  const first = element?.querySelector<HTMLElement>('[data-autofocus]') ?? element?.querySelector<HTMLElement>(CONTROL) ?? null;
  if (!(first instanceof HTMLInputElement) || first.type !== 'radio' || !first.name) return first;
  return element?.querySelector<HTMLElement>(`input[type="radio"][name="${CSS.escape(first.name)}"]:checked`) ?? first;
}

/**
 * Focuses a task's control as the task comes on screen; in a text field, with the caret at the end of what it holds
 * (a draft restored, a task returned to with Back), so that typing goes on after it, not before it. (Focus that
 * returns to a task already on screen, after a dialog, keeps the caret where it was: `focusCurrentTask`.)
 */
export function focusControlAtEnd(control: HTMLElement, options?: FocusOptions): void {
  control.focus(options);
  if (control instanceof HTMLTextAreaElement || (control instanceof HTMLInputElement && control.type === 'text')) {
    control.setSelectionRange(control.value.length, control.value.length);
  }
}

/**
 * Brings a focused `control` into view, with `heading` (its task's question or instruction, above it) too where both
 * fit: each only as far as it is out of view, within its scroll margin (below the page kept at the top of a phone's
 * screen, `styles.css`), the control last so that it wins. A plain `focus()` would centre the control, leaving the
 * heading under that page.
 */
export function bringIntoView(control: Element, heading?: Element | null): void {
  heading?.scrollIntoView({ block: 'nearest' });
  control.scrollIntoView({ block: 'nearest' });
}

/**
 * Brings the question of the task `control` is in out from under the page kept at the top of a phone's screen (within
 * its scroll margin), with `control` in view below it: a new subject or a closed dialog can leave the page scrolled
 * where the last one had it. Elsewhere the question has no scroll margin and nothing moves while it is on screen.
 */
export function uncoverQuestion(control: Element, task: ParentNode | null | undefined): void {
  const question = task?.querySelector('.task-question');
  if (question && question.getBoundingClientRect().top < Number.parseFloat(getComputedStyle(question).scrollMarginTop)) bringIntoView(control, question);
}

/**
 * Focuses the first control of the task on screen, e.g. after a dialog closes over a subject that changed beneath it;
 * with no task on screen (the volunteer has finished), the page's main region, so focus is never lost to the page.
 */
export function focusCurrentTask(): void {
  const task = document.querySelector('[data-task]');
  const control = firstControlIn(task);
  if (!control) {
    document.querySelector<HTMLElement>('main')?.focus();
    return;
  }
  control.focus();
  uncoverQuestion(control, task);
}

/**
 * For a button beside the text being typed (the image's controls, its pages): pressed with a mouse or a finger, it
 * does its work and leaves focus in the text field, so typing goes on where it was, and a phone's keyboard stays open.
 * From the keyboard (Tab, then Enter) it takes focus as any button does.
 */
export function keepTextFieldFocus(event: { preventDefault(): void }): void {
  if (document.activeElement?.matches('input[type="text"], input:not([type]), textarea')) event.preventDefault();
}

/** Focus was lost to the page: the element that had it went (a task replaced by something else), and nothing took it. */
export function focusLost(): boolean {
  return document.activeElement === document.body || document.activeElement === null;
}

/**
 * Focuses what took the place of the task on a classify page (the end of the subjects, a wait for more) as it comes, and
 * again when what it says (`said`: its words, or a key that a change of language leaves as it is) changes, so that a
 * screen reader says it and the keyboard goes on from there, not from the top of the page. `ifLost`: only when focus was lost to the page, never taken from where it is (a heading
 * focused as the page opened, say).
 */
export function useFocusInPlaceOfTask(ref: RefObject<HTMLElement | null>, said: string, { ifLost = false } = {}): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: focused again when what it says changes, not when the ref's object does
  useEffect(() => {
    if (!ifLost || focusLost()) ref.current?.focus();
  }, [said]);
}

/**
 * Focuses `button` once `open` (a form or a question in its place) turns false after the returned call: the button is
 * back on the page only then.
 */
export function useFocusOnClose(open: boolean, button: RefObject<HTMLElement | null>): () => void {
  const refocus = useRef(false);
  useEffect(() => {
    if (open || !refocus.current) return;
    refocus.current = false;
    button.current?.focus();
  }, [open, button]);
  return () => {
    refocus.current = true;
  };
}

/**
 * A section's heading (give it `tabIndex={-1}`), focused as the section comes on screen when the page's address names
 * the section (`hash`, such as `#api-keys`): where a link in a mail leads, so that a keyboard or screen reader starts there.
 */
export function useHeadingFocusedWhenAddressed(hash: string): RefObject<HTMLHeadingElement | null> {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (window.location.hash === hash) heading.current?.focus();
  }, [hash]);
  return heading;
}
