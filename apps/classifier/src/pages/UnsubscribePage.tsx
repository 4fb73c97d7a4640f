import type { NewsUnsubscribed } from '@chorus/client';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeError, type Problem } from '../lib/errors';
import { ACCOUNT, Link, linkOutcome, projectPath, rememberLinkOutcome, spendLinkToken, useLinkToken } from '../lib/router';
import { session } from '../lib/session';
import { useDocumentTitle } from '../lib/useDocumentTitle';

/** What a one-click page says and does: its words, the stop its button asks for, and what it says once done. */
interface OneClickStop<T> {
  title: string;
  lead: string;
  confirm: string;
  stop(token: string): Promise<T>;
  done(answer: T): ReactNode;
}

/**
 * A mailed link's one-click stop, signed in or not (the token is the proof: sent without the session's, as a mailed
 * link's page asks before any guest is made). A button, not the page's opening: a mail scanner that opens links stops
 * nothing.
 */
function OneClickStopPage<T>({ title, lead, confirm, stop, done: said }: OneClickStop<T>) {
  const { t } = useTranslation();
  const token = useLinkToken();
  const [done, setDone] = useState(linkOutcome<T>);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(title);
  const unsubscribe = async () => {
    if (!token || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await stop(token);
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
      <h1 tabIndex={-1}>{title}</h1>
      <ErrorAlert problem={problem ?? (!token && !done ? { detail: t('emailLinks.incomplete'), fields: [] } : null)} />
      {done ? (
        said(done)
      ) : (
        token && (
          <>
            <p>{lead}</p>
            <button type="button" className="button button-primary" aria-disabled={busy || undefined} onClick={() => void unsubscribe()} data-testid="unsubscribe-button">
              {confirm}
            </button>
          </>
        )
      )}
    </div>
  );
}

/** `/unsubscribe#token=…`, the link of every news mail: one click ends the subscription it names. */
export function UnsubscribePage() {
  const { t } = useTranslation();
  return (
    <OneClickStopPage<NewsUnsubscribed>
      title={t('news.unsubscribe.title')}
      lead={t('news.unsubscribe.lead')}
      confirm={t('news.unsubscribe.confirm')}
      stop={(token) => session.anonymous.unsubscribeFromNews(token)}
      done={(done) => (
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
      )}
    />
  );
}

/**
 * `/stop-discussion-mails#token=…`, the link of every discussion and report mail: one click stops those of replies and
 * mentions, or, from a mail of a discussion followed, those of the discussions followed, or, from a report mail, those
 * of reports (the token says which).
 */
export function StopDiscussionMailsPage() {
  const { t } = useTranslation();
  return (
    <OneClickStopPage
      title={t('account.settings.discussionMails.stop.title')}
      lead={t('account.settings.discussionMails.stop.lead')}
      confirm={t('account.settings.discussionMails.stop.confirm')}
      stop={(token) => session.anonymous.stopDiscussionMails(token)}
      done={(stopped) => (
        <>
          <p role="status" data-testid="unsubscribe-done">
            {'reportMails' in stopped
              ? t('account.settings.discussionMails.stop.reportsDone')
              : 'followedDiscussionMails' in stopped
                ? t('account.settings.discussionMails.stop.followedDone')
                : t('account.settings.discussionMails.stop.done')}
          </p>
          <p>
            <Link to={`${ACCOUNT}#${'reportMails' in stopped ? 'report-mails' : 'discussion-mails'}`}>{t('account.settings.discussionMails.stop.toAccount')}</Link>
          </p>
        </>
      )}
    />
  );
}

/**
 * `/stop-completion-mails#token=…`, the link of every mail of a completed workflow: one click stops those to a
 * project's researcher, or, from a volunteer's, those of the workflows they classified in (the token says which).
 */
export function StopCompletionMailsPage() {
  const { t } = useTranslation();
  return (
    <OneClickStopPage
      title={t('account.settings.completionMails.stop.title')}
      lead={t('account.settings.completionMails.stop.lead')}
      confirm={t('account.settings.completionMails.stop.confirm')}
      stop={(token) => session.anonymous.stopCompletionMails(token)}
      done={(stopped) => (
        <>
          <p role="status" data-testid="unsubscribe-done">
            {'completionMails' in stopped ? t('account.settings.completionMails.stop.done') : t('account.settings.completionMails.stop.volunteerDone')}
          </p>
          <p>
            <Link to={`${ACCOUNT}#completion-mails`}>{t('account.settings.discussionMails.stop.toAccount')}</Link>
          </p>
        </>
      )}
    />
  );
}
