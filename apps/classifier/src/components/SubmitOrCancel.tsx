/**
 * The two answers of a form asked in the page (a reason to give, descriptions to save, a problem to report): the one
 * that sends it, marked busy while it is sent, and the one that goes back, as Escape does.
 */
export function SubmitOrCancel({
  submit,
  cancel,
  busy,
  onCancel,
  className = 'lab-actions',
  danger = false,
}: { submit: string; cancel: string; busy: boolean; onCancel: () => void; className?: string; danger?: boolean }) {
  return (
    <div className={className}>
      <button type="submit" className={danger ? 'button button-danger' : 'button button-primary'} aria-disabled={busy || undefined}>
        {submit}
      </button>
      <button type="button" className="button button-secondary" onClick={onCancel}>
        {cancel}
      </button>
    </div>
  );
}
