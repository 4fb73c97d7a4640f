import type { MailSetting, MailsStopped } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { describeError, type Problem } from '../lib/errors';
import { ACCOUNT, Link, linkOutcome, projectPath, rememberLinkOutcome, spendLinkToken, useLinkToken } from '../lib/router';
import { session } from '../lib/session';
import { useDocumentTitle } from '../lib/useDocumentTitle';

/** What the page says once a setting's mails stopped, and the account page's section of that setting. */
const SETTINGS_STOPPED: Record<MailSetting, { said: (t: TFunction) => string; anchor: string }> = {
  discussionMails: { said: (t) => t('mailStop.done.discussionMails'), anchor: 'discussion-mails' },
  followedDiscussionMails: { said: (t) => t('mailStop.done.followedDiscussionMails'), anchor: 'discussion-mails' },
  reportMails: { said: (t) => t('mailStop.done.reportMails'), anchor: 'report-mails' },
  completionMails: { said: (t) => t('mailStop.done.completionMails'), anchor: 'completion-mails' },
  volunteerCompletionMails: { said: (t) => t('mailStop.done.volunteerCompletionMails'), anchor: 'completion-mails' },
};

/**
 * What the page's link stopped, as this history entry keeps it: only in the shape answered now (with `mails`), which an
 * answer kept before the one stop (`{ discussionMails: false }`, `{ unsubscribed: true, project }`) is not; without it,
 * the page is drawn as its link is now.
 */
function savedStop(): MailsStopped | undefined {
  const saved = linkOutcome<Partial<MailsStopped>>();
  return saved?.mails ? (saved as MailsStopped) : undefined;
}

/**
 * `/unsubscribe#token=…`, the one-click stop of every mail that has one (`/stop-discussion-mails` and
 * `/stop-completion-mails`, which mails sent before it link to, are this page too): a project's news, or the account's
 * mails of one setting, as the token says. Signed in or not (the token is the proof: sent without the session's, as a
 * mailed link's page asks before any guest is made). A button, not the page's opening: a mail scanner that opens links
 * stops nothing.
 */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const token = useLinkToken();
  const [done, setDone] = useState(savedStop);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle(t('mailStop.title'));
  const stop = async () => {
    if (!token || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await session.anonymous.stopMails(token);
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
      <h1 tabIndex={-1}>{t('mailStop.title')}</h1>
      <ErrorAlert problem={problem ?? (!token && !done ? { detail: t('emailLinks.incomplete'), fields: [] } : null)} />
      {done ? (
        <Stopped stopped={done} />
      ) : (
        token && (
          <>
            <p>{t('mailStop.lead')}</p>
            <button type="button" className="button button-primary" aria-disabled={busy || undefined} onClick={() => void stop()} data-testid="unsubscribe-button">
              {t('mailStop.confirm')}
            </button>
          </>
        )
      )}
    </div>
  );
}

/** What stopped, and where to turn it on again: the project's page for its news, else the setting's section of the account page. */
function Stopped({ stopped }: { stopped: MailsStopped }) {
  const { t } = useTranslation();
  if (stopped.mails === 'news') {
    return (
      <>
        <p role="status" data-testid="unsubscribe-done">
          {stopped.project ? t('mailStop.done.news', { project: stopped.project.title }) : t('mailStop.done.newsGone')}
        </p>
        {stopped.project && (
          <p>
            <Link to={projectPath(stopped.project.slug)}>{t('mailStop.toProject')}</Link>
          </p>
        )}
      </>
    );
  }
  const setting = SETTINGS_STOPPED[stopped.mails];
  return (
    <>
      <p role="status" data-testid="unsubscribe-done">
        {setting.said(t)}
      </p>
      <p>
        <Link to={`${ACCOUNT}#${setting.anchor}`}>{t('mailStop.toAccount')}</Link>
      </p>
    </>
  );
}
