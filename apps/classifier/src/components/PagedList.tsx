import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/errors';
import { ErrorAlert } from './ErrorAlert';
import { ShowMore } from './ShowMore';

/** A list's first page as `useLoaded` reads it. */
interface FirstPage {
  data: unknown;
  problem: Problem | null;
  reload(): void;
}

/** Its next pages as `useMorePages` reads them. */
interface MorePages<T> {
  items: T[];
  next: string | null;
  problem: Problem | null;
  loading: boolean;
  showMore(): Promise<unknown> | undefined;
}

/**
 * A list of the account's own, read a page at a time: why its first or next page could not be read (with "Try again",
 * which reads again what failed), `loading` until the first comes, `empty` (`emptyTestId`) when it has nothing, else
 * the items as `children` shows them, then "Show older ones".
 */
export function PagedList<T>({ first, more, loading, empty, emptyTestId, children }: { first: FirstPage; more: MorePages<T>; loading: string; empty: string; emptyTestId: string; children: (items: T[]) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorAlert problem={first.problem ?? more.problem}>
        <button type="button" className="button button-secondary" onClick={() => (first.problem ? first.reload() : void more.showMore())}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {first.data === null ? (
        !first.problem && (
          <p className="loading" role="status">
            {loading}
          </p>
        )
      ) : more.items.length === 0 ? (
        <p data-testid={emptyTestId}>{empty}</p>
      ) : (
        children(more.items)
      )}
      <ShowMore next={more.next} onMore={more.showMore} loading={more.loading} label={t('recent.older')} />
    </>
  );
}
