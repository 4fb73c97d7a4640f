import type { NewsUnsubscribed } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeError, type Problem } from '../lib/errors';
import { Link, linkOutcome, projectPath, rememberLinkOutcome, spendLinkToken, useLinkToken } from '../lib/router';
import { session } from '../lib/session';
import { useDocumentTitle } from '../lib/useDocumentTitle';

/**
 * `/unsubscribe#token=…`, the link of every news mail: one click ends the subscription it names, signed in or not (the
 * token is the proof: sent without the session's, as a mailed link's page asks before any guest is made). A button, not the page's opening: a mail scanner that opens links ends nobody's subscription.
 */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const token = useLinkToken();
  const [done, setDone] = useState(linkOutcome<NewsUnsubscribed>);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(t('news.unsubscribe.title'));
  const unsubscribe = async () => {
    if (!token || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await session.anonymous.unsubscribeFromNews(token);
      rememberLinkOutcome(answer);
      spendLinkToken();
      setDone(answer);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page page-account" data-testid="unsubscribe">
      <h1 tabIndex={-1}>{t('news.unsubscribe.title')}</h1>
      <ErrorAlert problem={problem ?? (!token && !done ? { detail: t('emailLinks.incomplete'), fields: [] } : null)} />
      {done ? (
        <>
          <p role="status" data-testid="unsubscribe-done">
            {done.project ? t('news.unsubscribe.done', { project: done.project.title }) : t('news.unsubscribe.doneGone')}
          </p>
          {done.project && (
            <p>
              <Link to={projectPath(done.project.slug)}>{t('news.unsubscribe.toProject')}</Link>
            </p>
          )}
        </>
      ) : (
        token && (
          <>
            <p>{t('news.unsubscribe.lead')}</p>
            <button type="button" className="button button-primary" aria-disabled={busy || undefined} onClick={() => void unsubscribe()} data-testid="unsubscribe-button">
              {t('news.unsubscribe.confirm')}
            </button>
          </>
        )
      )}
    </div>
  );
}
