import { type CommentNotification, type Notification, type NotificationPage, type WebhookDisabledNotification, type WorkflowCompleteNotification, labDownloadsPath, labProjectPath, projectWorkflowPath } from '@chorus/client';
import type { ReactNode } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError, type Problem } from '../lib/errors';
import { whenInWords } from '../lib/formats';
import { notificationsRead } from '../lib/notifications';
import { useSaid } from '../lib/said';
import { Link, NOTIFICATIONS, accountPath, commentPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { webhookOffReason } from '../lib/webhooks';
import { ShowMore } from '../components/ShowMore';

/** Notifications shown at a time; "Show more notifications" asks for the next page. */
const PAGE_SIZE = 20;

/**
 * `/notifications`: what the volunteer was told of in discussions (a subject's or a board's), the latest first: replies to their
 * comments, mentions of them (`@name`), on a project's team, `@team`, and new comments in discussions they follow; each links to the comment in its
 * discussion (and, followed, is marked read); and workflows complete that they classified in, or research, each
 * linking to the workflow on its project's page (and, for its researchers, to its downloads in the lab). "Mark all as
 * read" says what it did in a polite status.
 */
export function NotificationsPage() {
  const { t } = useTranslation();
  const client = useClient();
  const volunteer = useSession();
  useDocumentTitle(t('notifications.title'));
  const [list, setList] = useState<NotificationPage | null>(null);
  const [problem, setProblem] = useSaid<Problem>();
  /** What failed, which "Try again" does again: reading notifications, or marking them all read. */
  const [failed, setFailed] = useState<'load' | 'markAllRead'>('load');
  const [said, setSaid] = useSaid<string>();
  const [busy, setBusy] = useState(false);
  /** After "Show more notifications", the first notification it brought takes focus: the button may be gone. */
  const focusItem = useRef<number | null>(null);
  const items = useRef<HTMLOListElement>(null);
  const registered = volunteer.kind === 'registered';

  const load = useCallback(
    async (after?: string) => {
      try {
        const page = await client.notifications({ limit: PAGE_SIZE, after });
        setList((shown) => {
          if (!after || !shown) return page;
          focusItem.current = shown.notifications.length;
          return { ...page, notifications: [...shown.notifications, ...page.notifications] };
        });
        setProblem(null);
      } catch (error) {
        setFailed('load');
        setProblem(() => describeError(error));
      }
    },
    [client],
  );
  useEffect(() => {
    if (registered) void load();
  }, [load, registered]);
  useEffect(() => {
    if (focusItem.current === null || !list) return;
    items.current?.querySelectorAll<HTMLElement>(':scope > li')[focusItem.current]?.focus();
    focusItem.current = null;
  }, [list]);

  const markAllRead = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await client.markNotificationsRead();
      const readAt = new Date().toISOString();
      setList((shown) => shown && { ...shown, unread: 0, notifications: shown.notifications.map((each) => ({ ...each, readAt: each.readAt ?? readAt })) });
      setSaid((t) => t('notifications.allRead'));
      setProblem(null);
      notificationsRead();
    } catch (error) {
      setFailed('markAllRead');
      setProblem(() => describeError(error));
    } finally {
      setBusy(false);
    }
  };
  /** A notification followed is read: marked so on the way (the page it opens does not wait for it). */
  const followed = (notification: Notification) => {
    if (notification.readAt) return;
    client.markNotificationsRead([notification.id]).then(notificationsRead, () => undefined);
  };

  return (
    <div className="page page-notifications" data-testid="notifications">
      <h1 tabIndex={-1}>{t('notifications.title')}</h1>
      <p className="lead">{t('notifications.lead')}</p>
      {!registered ? (
        <p data-testid="notifications-guest">
          {t('notifications.guest')} <Link to={accountPath('sign-in', NOTIFICATIONS)}>{t('account.signIn')}</Link> ·{' '}
          <Link to={accountPath('create-account', NOTIFICATIONS)}>{t('account.createAccount')}</Link>
        </p>
      ) : (
        <>
          <ErrorAlert problem={problem}>
            <button type="button" className="button button-secondary" onClick={() => void (failed === 'markAllRead' ? markAllRead() : load(list?.next ?? undefined))}>
              {t('app.tryAgain')}
            </button>
          </ErrorAlert>
          <p role="status" aria-live="polite" data-testid="notifications-status">
            {said}
          </p>
          {list === null ? (
            !problem && (
              <p className="loading" role="status">
                {t('notifications.loading')}
              </p>
            )
          ) : list.notifications.length === 0 ? (
            <p data-testid="notifications-none">{t('notifications.none')}</p>
          ) : (
            <>
              <p>
                <button type="button" className="button button-secondary" data-testid="mark-all-read" aria-disabled={busy || list.unread === 0 || undefined} onClick={() => void markAllRead()}>
                  {t('notifications.markAllRead')}
                </button>
              </p>
              <ol className="notification-list" ref={items}>
                {list.notifications.map((notification) =>
                  notification.kind === 'workflow-complete' ? (
                    <CompletionItem key={notification.id} notification={notification} onFollow={() => followed(notification)} />
                  ) : notification.kind === 'webhook-disabled' ? (
                    <WebhookDisabledItem key={notification.id} notification={notification} onFollow={() => followed(notification)} />
                  ) : (
                    <CommentItem key={notification.id} notification={notification} onFollow={() => followed(notification)} />
                  ),
                )}
              </ol>
            </>
          )}
          <ShowMore next={list?.next} onMore={load} label={t('notifications.more')} />
        </>
      )}
    </div>
  );
}

/**
 * One notification: what it tells of (`what`, the link that opens it, marked read as it is followed), whether it is
 * unread, what more it says (`children`), and when.
 */
function NotificationItem({ notification, what, children }: { notification: Notification; what: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  const unread = notification.readAt === null;
  return (
    <li className={unread ? 'notification notification-unread' : 'notification'} tabIndex={-1} data-testid="notification" data-notification-id={notification.id}>
      <p className="notification-what">
        {what}
        {unread && <span className="badge">{t('notifications.unread')}</span>}
      </p>
      {children}
      <p className="muted">
        <time dateTime={notification.createdAt}>{whenInWords(notification.createdAt)}</time>
      </p>
    </li>
  );
}

/** A comment's notification: who did what (its link opens the comment in its discussion), and the comment's first words. */
function CommentItem({ notification, onFollow }: { notification: CommentNotification; onFollow: () => void }) {
  const { t } = useTranslation();
  const { comment } = notification;
  const name = comment.author.displayName ?? t('talk.formerVolunteer');
  const what = (
    <Link to={commentPath(comment.projectSlug, comment, comment.id)} onClick={onFollow}>
      {t(`notifications.kinds.${notification.kind}`, { name })}
    </Link>
  );
  return (
    <NotificationItem notification={notification} what={what}>
      <blockquote className="notification-excerpt" dir="auto">
        {comment.excerpt}
      </blockquote>
    </NotificationItem>
  );
}

/**
 * A workflow's completion: which, of which project (its link opens the workflow on the project's page), how many
 * subjects were done; thanks to a volunteer (and where its published results are, if any), the downloads to its researchers.
 */
function CompletionItem({ notification, onFollow }: { notification: WorkflowCompleteNotification; onFollow: () => void }) {
  const { t } = useTranslation();
  const { workflow } = notification;
  const what = (
    <Link to={projectWorkflowPath(workflow.projectSlug, workflow.id)} onClick={onFollow} data-testid="notification-workflow-link">
      {t('notifications.complete.what', { workflow: workflow.name, project: workflow.projectTitle })}
    </Link>
  );
  return (
    <NotificationItem notification={notification} what={what}>
      {workflow.team ? (
        <p>
          {t('notifications.complete.teamDone', { count: workflow.subjectsDone })}{' '}
          <Link to={labDownloadsPath(workflow.id)} onClick={onFollow}>
            {t('notifications.complete.downloads')}
          </Link>
        </p>
      ) : (
        <p>{workflow.resultsPublic ? t('notifications.complete.thanksWithResults', { count: workflow.subjectsDone }) : t('notifications.complete.thanks', { count: workflow.subjectsDone })}</p>
      )}
    </NotificationItem>
  );
}

/** A webhook turned off: of which project (its link opens the project's lab page, to turn it back on), which address, and why while it is off. */
function WebhookDisabledItem({ notification, onFollow }: { notification: WebhookDisabledNotification; onFollow: () => void }) {
  const { t } = useTranslation();
  const { webhook } = notification;
  const what = (
    <Link to={labProjectPath(webhook.projectSlug)} onClick={onFollow}>
      {t('notifications.webhookDisabled.what', { project: webhook.projectTitle })}
    </Link>
  );
  return (
    <NotificationItem notification={notification} what={what}>
      <p>
        <code>{webhook.url}</code>
      </p>
      {webhook.reason ? <p>{t('notifications.webhookDisabled.reason', { reason: webhookOffReason(t, webhook.reason, webhook.error) })}</p> : <p>{t('notifications.webhookDisabled.backOn')}</p>}
    </NotificationItem>
  );
}
