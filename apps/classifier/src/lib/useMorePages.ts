import { useCallback, useMemo, useRef, useState } from 'react';
import { describeError, type Problem } from './errors';
import { useSaid } from './said';

/** The pages read after the first page `base`, which they belong to only; `firstNew` is the place of the last page's first item. */
interface MorePages<Page, Item> {
  base: Page;
  items: Item[];
  next: string | null;
  firstNew: number;
}

/**
 * A list read a page at a time by cursor: its first page `first` is loaded elsewhere (`useLoaded`), and `showMore`
 * reads each next one with `readAfter` ("Show more"); a new first page (read again after a change) starts the list
 * again, and a next page asked for under the first page before it, answering late, is dropped. `itemsOf` picks a page's
 * items. `loading` while a next page is read (its button says so, `aria-disabled`, and stays focused); `newRow(index)`,
 * spread on each item's row, makes the first row a next page brought focusable and focuses it, as the button may go.
 * `items` is the same list between renders until a page is read (a hook's dependency, say).
 */
export function useMorePages<Page extends { next: string | null }, Item>(first: Page | null, itemsOf: (page: Page) => Item[], readAfter: (after: string) => Promise<Page>) {
  const [stored, setMore] = useState<MorePages<Page, Item> | null>(null);
  const [problem, setProblem] = useSaid<Problem>();
  const [loading, setLoading] = useState(false);
  const current = useRef(first);
  current.current = first;
  const pick = useRef(itemsOf);
  pick.current = itemsOf;
  const focus = useCallback((row: HTMLElement | null) => row?.focus(), []);
  const more = stored?.base === first ? stored : null;
  const next = more ? more.next : (first?.next ?? null);
  const items = useMemo(() => [...(first ? pick.current(first) : []), ...(more?.items ?? [])], [first, more]);
  /** Set at once, where `loading` is only after a render: a second click in the same moment reads no page twice. */
  const reading = useRef(false);
  const showMore = async () => {
    if (!next || !first || reading.current) return;
    reading.current = true;
    setLoading(true);
    try {
      const page = await readAfter(next);
      setProblem(null);
      setMore((before) => {
        const items = before?.base === first ? before.items : [];
        return { base: first, items: [...items, ...itemsOf(page)], next: page.next, firstNew: itemsOf(first).length + items.length };
      });
    } catch (error) {
      if (current.current === first) setProblem(() => describeError(error));
    } finally {
      reading.current = false;
      setLoading(false);
    }
  };
  const newRow = (index: number) => (index === more?.firstNew ? { tabIndex: -1, ref: focus } : {});
  /** How many items the last page read added: none while the next is read, so that each read is announced anew. */
  const added = more && !loading ? items.length - more.firstNew : 0;
  return { items, next, showMore, problem, loading, newRow, added };
}
