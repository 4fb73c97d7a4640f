import type { ReactNode } from 'react';
import type { Problem } from '../lib/errors';
import { Loaded } from './Loaded';

/**
 * A list a page loads: why it could not (with "Try again"), `loading` until it comes, `empty` when it has nothing,
 * else the list as `children` shows it. `announced`: `empty` is said to screen readers as it shows (a list a filter
 * narrows, which may empty it without the page changing).
 */
export function LoadedList<T>({
  items,
  problem,
  reload,
  loading,
  empty,
  announced = false,
  children,
}: { items: T[] | null; problem: Problem | null; reload: () => void; loading: string; empty: string; announced?: boolean; children: (items: T[]) => ReactNode }) {
  return (
    <Loaded data={items} problem={problem} reload={reload} loading={loading}>
      {(loaded) => (loaded.length === 0 ? <p role={announced ? 'status' : undefined}>{empty}</p> : children(loaded))}
    </Loaded>
  );
}
