import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/errors';
import { ErrorAlert } from './ErrorAlert';

/**
 * What a page or section loads: why it could not (with "Try again"), what came as `children` show it, and `loading`,
 * said to screen readers, until what is `current` comes: by default anything at all; a section that keeps the last
 * answer shown while the one asked for next comes says when that one is in.
 */
export function Loaded<T>({
  data,
  problem,
  reload,
  loading,
  current = data !== null,
  children,
}: { data: T | null; problem: Problem | null; reload: () => void; loading: string; current?: boolean; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {data !== null && children(data)}
      {!problem && !current && (
        <p className="loading" role="status">
          {loading}
        </p>
      )}
    </>
  );
}
