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
}

/**
 * A native modal dialog: focus moves in (to the control marked `data-autofocus`), stays inside while it is open,
 * Escape closes it, and focus returns where it was, or to the task on screen when that is gone (a new subject).
 */
export function Dialog({ open, onClose, returnToTask = false, title, testId, className, children, actions }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const headingId = useId();
  const { t } = useTranslation();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      element.showModal();
      element.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);

  const onDialogClose = () => {
    onClose();
    const back = returnTo.current;
    if (!returnToTask && back?.isConnected && back !== document.body) back.focus();
    else focusCurrentTask();
  };

  return (
    <dialog ref={dialog} className={`dialog${className ? ` ${className}` : ''}`} aria-labelledby={headingId} data-testid={testId} onClose={onDialogClose}>
      <h2 id={headingId}>{title}</h2>
      {children}
      <form method="dialog" className="dialog-actions">
        {actions ?? (
          <button type="submit" className="button button-primary" data-autofocus>
            {t('dialog.close')}
          </button>
        )}
      </form>
    </dialog>
  );
}
