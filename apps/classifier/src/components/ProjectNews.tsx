import type { ProjectNews, ProjectView } from '@chorus/client';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../lib/account';
import { useClient } from '../lib/clientContext';
import { describeError } from '../lib/errors';
import { whenInWords } from '../lib/formats';
import { ACCOUNT, Link, newsPath } from '../lib/router';
import { useSaid } from '../lib/said';
import { researchersWords } from '../lib/textLanguage';
import { useLoaded } from '../lib/useLoaded';
import { LoadedList } from './LoadedList';
import { MarkdownView } from './MarkdownView';

/** One item of a project's news: its title (a heading at `level`), when it was posted, its body as the project's other Markdown is shown. */
export function NewsItem({ item, level, language }: { item: ProjectNews; level: 2 | 3; language: string }) {
  const { t } = useTranslation();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <article className="news-item" data-news-id={item.id} aria-labelledby={`news-${item.id}`}>
      <Heading id={`news-${item.id}`} {...researchersWords(language)}>
        {item.title}
      </Heading>
      <p className="muted">
        <time dateTime={item.createdAt}>{whenInWords(item.createdAt, 'date')}</time>
        {item.editedAt && ` · ${t('news.edited')}`}
      </p>
      <div className="news-body" {...researchersWords(language)}>
        <MarkdownView text={item.body} firstLevel={level + 1} />
      </div>
    </article>
  );
}

/** The project page's news: its latest item, the way to all of them, and (for an account) getting them by email. */
export function LatestNews({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.projectNews(project.id, { limit: 1 }), [client, project.id]);
  return (
    <section className="project-news" aria-labelledby="project-news-heading" data-testid="project-news">
      <h2 id="project-news-heading">{t('news.title')}</h2>
      <NewsByEmail projectId={project.id} />
      <LoadedList items={data?.news ?? null} problem={problem} reload={reload} loading={t('news.loading')} empty={t('news.none')}>
        {([latest]) => (
          <>
            <NewsItem item={latest!} level={3} language={project.language} />
            <p>
              <Link to={newsPath(project.slug)}>{t('news.all')}</Link>
            </p>
          </>
        )}
      </LoadedList>
    </section>
  );
}

/** "Get this project's news by email", for a signed-in account (a guest has no email); off until they turn it on. */
export function NewsByEmail({ projectId }: { projectId: string }) {
  const volunteer = useSession();
  return volunteer.kind === 'registered' ? <NewsSubscriptionToggle projectId={projectId} /> : null;
}

/**
 * A toggle button (`aria-pressed`) that subscribes the account to the project's news by mail, or ends it; what came of
 * a press is said beside it. Without a verified email it says that mails wait for one.
 */
function NewsSubscriptionToggle({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data } = useLoaded(() => client.newsSubscription(projectId), [client, projectId]);
  const [subscription, setSubscription] = useState(data);
  useEffect(() => setSubscription(data), [data]);
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useSaid<string>();
  const toggle = async () => {
    if (sending || !subscription) return;
    setSending(true);
    setMessage(null);
    try {
      const now = await client.setNewsSubscription(projectId, !subscription.subscribed);
      setSubscription(now);
      setMessage((t) => (now.subscribed ? t('news.subscribed') : t('news.unsubscribed')));
    } catch (error) {
      setMessage(() => describeError(error).detail);
    } finally {
      setSending(false);
    }
  };
  return (
    <div className="news-by-email">
      <button
        type="button"
        className="button button-secondary button-small"
        aria-disabled={sending || !subscription || undefined}
        onClick={() => void toggle()}
        data-testid="news-by-email"
      >
        {subscription?.subscribed ? t('news.stopByEmail') : t('news.byEmail')}
      </button>
      <span className="muted" role="status" data-testid="news-by-email-message">
        {message}
      </span>
      {subscription && !subscription.emailVerified && (
        <p className="muted" data-testid="news-email-unverified">
          {t('news.verifiedEmailNeeded')} <Link to={ACCOUNT}>{t('news.toAccount')}</Link>
        </p>
      )}
    </div>
  );
}
