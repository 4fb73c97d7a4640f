import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { focusCurrentTask } from '../lib/focus';

interface Props {
  open: boolean;
  onClose(): void;
  /** On close, focus the task on screen rather than what had focus before (for a dialog nobody asked for). */
  returnToTask?: boolean;
  title: ReactNode;
  testId: string;
  className?: string;
  children: ReactNode;
  /** The buttons at the foot, inside a `method="dialog"` form (a submit button closes); a Close button without it. */
  actions?: ReactNode;
  /** The content is short and is the point (a result): screen readers read it out with the title when it opens. */
  describedByContent?: boolean;
}

const TABBABLE = 'a[href], button:not(:disabled), input:not(:disabled):not([type="hidden"]), select:not(:disabled), textarea:not(:disabled), summary, [tabindex]';

/** The controls Tab stops at in `element`, in order (none of the dialogs orders them with a positive `tabindex`). */
function tabbableIn(element: HTMLElement): HTMLElement[] {
  return [...element.querySelectorAll<HTMLElement>(TABBABLE)].filter((control) => control.tabIndex >= 0 && control.checkVisibility());
}

/**
 * A native modal dialog: focus moves in (to the control marked `data-autofocus`), stays inside while it is open,
 * Escape closes it, and focus returns where it was, or to the task on screen when that is gone (a new subject).
 */
export function Dialog({ open, onClose, returnToTask = false, title, testId, className, children, actions, describedByContent = false }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  /** The parent has heard that this opening of the dialog closed. */
  const told = useRef(false);
  const headingId = useId();
  const contentId = useId();
  const { t } = useTranslation();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      told.current = false;
      // Decided now: by the time the dialog's close event comes, the parent may have changed `returnToTask`.
      returnTo.current = !returnToTask && document.activeElement instanceof HTMLElement ? document.activeElement : null;
      element.showModal();
      // The buttons stay in sight at the foot (sticky): the text is read from its top, not scrolled to its end.
      element.querySelector<HTMLElement>('[data-autofocus]')?.focus({ preventScroll: true });
      element.scrollTop = 0;
    } else if (!open && element.open) {
      element.close();
    }
  }, [open, returnToTask]);

  // The browser lets Tab leave a modal dialog (for its own toolbar, and `<body>` on the page): it goes round inside.
  useEffect(() => {
    if (!open) return;
    const keepTabInside = (event: KeyboardEvent) => {
      const element = dialog.current;
      if (event.key !== 'Tab' || !element?.open) return;
      const controls = tabbableIn(element);
      const edge = controls.at(event.shiftKey ? 0 : -1);
      const active = document.activeElement;
      const inside = active !== element && active instanceof Node && element.contains(active);
      if (!edge || (inside && active !== edge)) return;
      event.preventDefault();
      controls.at(event.shiftKey ? -1 : 0)?.focus();
    };
    document.addEventListener('keydown', keepTabInside);
    return () => document.removeEventListener('keydown', keepTabInside);
  }, [open]);

  /**
   * Escape and the buttons close the dialog at once, but its `close` event comes a task later, after the browser has
   * put focus back: a key pressed in between (T to reopen the tutorial) must find it closed, so the parent is told
   * on the spot, once.
   */
  const tellClosed = () => {
    if (told.current) return;
    told.current = true;
    onClose();
  };
  const onDialogClose = () => {
    if (dialog.current?.open) return; // opened again before this event of an earlier closing arrived
    tellClosed();
    const back = returnTo.current;
    if (back?.isConnected && back !== document.body) back.focus();
    else focusCurrentTask();
  };

  return (
    <dialog
      ref={dialog}
      className={`dialog${className ? ` ${className}` : ''}`}
      aria-labelledby={headingId}
      aria-describedby={describedByContent ? contentId : undefined}
      data-testid={testId}
      onCancel={tellClosed}
      onClose={onDialogClose}
    >
      <h2 id={headingId}>{title}</h2>
      {describedByContent ? <div id={contentId}>{children}</div> : children}
      <form method="dialog" className="dialog-actions" onSubmit={tellClosed}>
        {actions ?? (
          <button type="submit" className="button button-primary" data-autofocus>
            {t('dialog.close')}
          </button>
        )}
      </form>
    </dialog>
  );
}
