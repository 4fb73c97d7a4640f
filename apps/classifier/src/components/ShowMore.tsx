/**
 * The "Show more" button under a list read a page at a time (`useMorePages`, or a page's own reader): nothing once
 * there is no `next` page; a click asks `onMore` for the page after `next`. While it is read (`loading`) the button says
 * so with `aria-disabled` and keeps focus (the reader ignores a second click). The list shows a failed read where it
 * shows its other problems.
 */
export function ShowMore({ next, onMore, loading, label, id, small = false }: { next: string | null | undefined; onMore: (after: string) => unknown; loading?: boolean; label: string; id?: string; small?: boolean }) {
  if (!next) return null;
  return (
    <button type="button" id={id} className={small ? 'button button-secondary button-small' : 'button button-secondary'} aria-disabled={loading || undefined} onClick={() => void onMore(next)}>
      {label}
    </button>
  );
}
