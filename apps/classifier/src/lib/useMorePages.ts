import { useEffect, useState } from 'react';
import { describeError, type Problem } from './errors';

/**
 * A list read a page at a time by cursor: its first page `first` is loaded elsewhere (`useLoaded`), and `showMore`
 * reads each next one with `readAfter` ("Show more"); a new first page (read again after a change) starts the list
 * again. `itemsOf` picks a page's items.
 */
export function useMorePages<Page extends { next: string | null }, Item>(first: Page | null, itemsOf: (page: Page) => Item[], readAfter: (after: string) => Promise<Page>) {
  const [more, setMore] = useState<{ items: Item[]; next: string | null } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `first` is the trigger: a new read of the first page starts the list again
  useEffect(() => setMore(null), [first]);
  const next = more ? more.next : (first?.next ?? null);
  const showMore = async () => {
    if (!next) return;
    try {
      const page = await readAfter(next);
      setProblem(null);
      setMore({ items: [...(more?.items ?? []), ...itemsOf(page)], next: page.next });
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  return { items: [...(first ? itemsOf(first) : []), ...(more?.items ?? [])], next, showMore, problem };
}
