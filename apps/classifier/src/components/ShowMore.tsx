import { useRef, useState } from 'react';

/**
 * The "Show more" button under a list read a page at a time (`useMorePages`, or a page's own reader): nothing once
 * there is no `next` page; a click asks `onMore` for the page after `next`, and a click before that read has ended is
 * ignored, so a double click appends one page, whatever reader the list has. While a page is read (`loading`, the
 * reader's, or the button's own) it says so with `aria-disabled` and keeps focus. The list shows a failed read where it
 * shows its other problems.
 */
interface ShowMoreProps {
  next: string | null | undefined;
  onMore(after: string): Promise<unknown> | undefined;
  loading?: boolean;
  label: string;
  id?: string;
  small?: boolean;
}

export function ShowMore({
  next,
  onMore,
  loading = false,
  label,
  id,
  small = false,
}: ShowMoreProps) {
  /** Set at once, where `busy` is only after a render: a second click in the same moment asks for no page. */
  const reading = useRef(false);
  const [busy, setBusy] = useState(false);
  if (!next) return null;
  const more = async () => {
    if (reading.current || loading) return;
    reading.current = true;
    setBusy(true);
    try {
      await onMore(next);
    } finally {
      reading.current = false;
      setBusy(false);
    }
  };
  return (
    <button type="button" id={id} className={small ? 'button button-secondary button-small' : 'button button-secondary'} aria-disabled={loading || busy || undefined} onClick={() => void more()}>
      {label}
    </button>
  );
}
