import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Result } from '../lib/useResult';

/**
 * What an action did, where the section shows it: each new answer takes focus, so that a screen reader reads it and
 * the keyboard goes on from it (the control used may be gone, a member removed say). Not a live region as well, which
 * would read it twice.
 */
export function ResultNotice({ result, testId }: { result: Result | null; testId: string }) {
  const { t } = useTranslation();
  const message = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) message.current?.focus();
  }, [result]);
  if (!result) return null;
  return (
    <div key={result.n} ref={message} tabIndex={-1} className="notice lab-result" data-testid={testId}>
      {result.text(t)}
    </div>
  );
}
