import { NEWS_LIMITS, type ProjectNews, type ProjectView } from '@chorus/client';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CheckboxField, FormField, TextAreaField } from '../../components/FormField';
import { InlineQuestion } from '../../components/InlineQuestion';
import { LoadedList } from '../../components/LoadedList';
import { ResultNotice } from '../../components/ResultNotice';
import { SubmitOrCancel } from '../../components/SubmitOrCancel';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { goneAt } from '../../lib/errors';
import { whenInWords } from '../../lib/formats';
import { randomUuid } from '../../lib/ids';
import { Link, newsPath } from '../../lib/router';
import type { Saying } from '../../lib/said';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';

const NEWS_FIELDS = ['title', 'body'] as const;
/** Items the lab shows at first, and added by each "Show older news". */
const NEWS_PAGE = 20;

/**
 * The project's news, for its researchers: a form to write an item (and mail it to the volunteers who asked for the
 * news by email, the count said), and the items posted, each to edit or delete. Shown on the project's page, newest first.
 */
export function NewsSection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => Promise.all([client.projectNews(project.id, { limit: NEWS_PAGE }), client.newsSubscribers(project.id)]), [client, project.id]);
  const [result, say] = useResult();
  const [older, setOlder] = useState<{ news: ProjectNews[]; next: string | null } | null>(null);
  const next = older ? older.next : (data?.[0].next ?? null);
  const showOlder = async () => {
    if (!next) return;
    const page = await client.projectNews(project.id, { limit: NEWS_PAGE, after: next });
    setOlder({ news: [...(older?.news ?? []), ...page.news], next: page.next });
  };
  const changed = (text: Saying<ReactNode>) => {
    say(text);
    // A change reloads the first page; the older ones are asked for again.
    setOlder(null);
    reload();
  };
  const subscribers = data?.[1].subscribers ?? null;
  const mayMailAt = data?.[1].mayMailAt ?? null;
  return (
    <section className="lab-section" aria-labelledby="lab-news-heading" data-testid="lab-news">
      <h2 id="lab-news-heading">{t('lab.news.title')}</h2>
      <p>
        {t('lab.news.lead')} <Link to={newsPath(project.slug)}>{t('lab.news.shown')}</Link>
      </p>
      <ResultNotice result={result} testId="lab-news-result" />
      <WriteNews projectId={project.id} subscribers={subscribers} mayMailAt={mayMailAt} onPosted={(news) => changed((t) => (news.mailedTo === null ? t('lab.news.posted') : t('lab.news.postedAndMailed', { count: news.mailedTo })))} />
      <LoadedList items={data ? [...data[0].news, ...(older?.news ?? [])] : null} problem={problem} reload={reload} loading={t('lab.news.loading')} empty={t('lab.news.none')}>
        {(items) => (
          <ol className="lab-news-list">
            {items.map((item) => (
              <li key={item.id} data-news-id={item.id}>
                <NewsEntry projectId={project.id} item={item} onChanged={changed} />
              </li>
            ))}
          </ol>
        )}
      </LoadedList>
      {next && (
        <button type="button" className="button button-secondary" onClick={() => void showOlder()}>
          {t('lab.news.older')}
        </button>
      )}
    </section>
  );
}

/** The form of a new item; its Idempotency-Key lasts until it is posted, so that sending it again after a lost answer posts (and mails) once. */
function WriteNews({ projectId, subscribers, mayMailAt, onPosted }: { projectId: string; subscribers: number | null; mayMailAt: string | null; onPosted: (news: ProjectNews) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ title: '', body: '' }, NEWS_FIELDS);
  const [mail, setMail] = useState(false);
  const key = useRef(randomUuid());
  const submit = form.onSubmit({
    check: (t) => ({
      ...(form.values.title.trim() ? {} : { title: t('lab.news.titleNeeded') }),
      ...(form.values.body.trim() ? {} : { body: t('lab.news.bodyNeeded') }),
    }),
    send: async () => {
      const news = await client.postNews(projectId, { title: form.values.title, body: form.values.body, mail: mail && mayMailAt === null }, key.current);
      key.current = randomUuid();
      form.reset();
      setMail(false);
      onPosted(news);
    },
    refused: (error) => problemAtFields(error, NEWS_FIELDS),
  });
  return (
    <form className="account-form" noValidate aria-label={t('lab.news.write')} onSubmit={(event) => void submit(event)}>
      <h3>{t('lab.news.write')}</h3>
      <ErrorAlert problem={form.problem} focus />
      <NewsFields idPrefix="lab-news-new" form={form} />
      <CheckboxField
        id="lab-news-mail"
        label={subscribers === null ? t('lab.news.mailUnknown') : t('lab.news.mail', { count: subscribers })}
        hint={mayMailAt ? t('lab.news.mailWait', { when: whenInWords(mayMailAt) }) : t('lab.news.mailHint')}
        disabled={mayMailAt !== null}
        checked={mail && mayMailAt === null}
        onChange={(event) => setMail(event.target.checked)}
      />
      <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
        {form.busy ? t('lab.saving') : mail && mayMailAt === null ? t('lab.news.postAndMail') : t('lab.news.post')}
      </button>
    </form>
  );
}

type NewsForm = ReturnType<typeof useForm<(typeof NEWS_FIELDS)[number]>>;

/** An item's title and body (Markdown), in the new item's form and an edit's. */
function NewsFields({ idPrefix, form }: { idPrefix: string; form: NewsForm }) {
  const { t } = useTranslation();
  return (
    <>
      <FormField id={`${idPrefix}-title`} label={t('lab.news.itemTitle')} maxLength={NEWS_LIMITS.titleLength} {...form.field('title')} />
      <TextAreaField id={`${idPrefix}-body`} label={t('lab.news.body')} hint={t('lab.news.bodyHint')} maxLength={NEWS_LIMITS.bodyLength} rows={6} {...form.field('body')} />
    </>
  );
}

/** One item as the lab lists it: its title, when posted and whether mailed, with Edit (never mails again) and Delete (asked first). */
function NewsEntry({ projectId, item, onChanged }: { projectId: string; item: ProjectNews; onChanged: (text: Saying<ReactNode>) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const form = useForm({ title: item.title, body: item.body }, NEWS_FIELDS);
  const [focusOpener, setFocusOpener] = useState(false);
  // Once the form has closed, the Edit button is there again to take the focus.
  useEffect(() => {
    if (!focusOpener || editing) return;
    opener.current?.focus();
    setFocusOpener(false);
  }, [focusOpener, editing]);
  const back = () => {
    setEditing(false);
    setDeleting(false);
    form.reset();
    setFocusOpener(true);
  };
  const gone = (error: unknown) => {
    if (!goneAt(error, '/params/newsId')) throw error;
  };
  const save = form.onSubmit({
    check: (t) => ({ ...(form.values.title.trim() ? {} : { title: t('lab.news.titleNeeded') }), ...(form.values.body.trim() ? {} : { body: t('lab.news.bodyNeeded') }) }),
    send: async () => {
      await client.editNews(projectId, item.id, { title: form.values.title, body: form.values.body }).catch(gone);
      setEditing(false);
      setFocusOpener(true);
      onChanged((t) => t('lab.news.saved'));
    },
    refused: (error) => problemAtFields(error, NEWS_FIELDS),
  });
  const remove = form.onSubmit({
    check: () => ({}),
    send: async () => {
      await client.deleteNews(projectId, item.id).catch(gone);
      onChanged((t) => t('lab.news.deleted', { title: item.title }));
    },
    refused: (error) => problemAtFields(error, [] as const),
  });
  return (
    <article aria-labelledby={`lab-news-${item.id}`}>
      <h3 id={`lab-news-${item.id}`}>{item.title}</h3>
      <p className="muted">
        {item.mailedTo === null
          ? t('lab.news.when', { when: whenInWords(item.createdAt) })
          : t('lab.news.whenMailed', { when: whenInWords(item.createdAt), count: item.mailedTo })}
        {item.editedAt && ` · ${t('news.edited')}`}
      </p>
      {editing ? (
        <form className="account-form" noValidate aria-labelledby={`lab-news-${item.id}`} onSubmit={(event) => void save(event)}>
          <ErrorAlert problem={form.problem} focus />
          <NewsFields idPrefix={`lab-news-${item.id}`} form={form} />
          {item.mailedTo !== null && <p className="muted">{t('lab.news.editNotMailed')}</p>}
          <SubmitOrCancel submit={t('lab.news.save')} cancel={t('lab.news.cancel')} busy={form.busy} onCancel={back} />
        </form>
      ) : (
        <div className="lab-actions">
          <button type="button" ref={opener} className="button button-secondary" onClick={() => setEditing(true)}>
            {t('lab.news.edit')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => setDeleting(true)}>
            {t('lab.news.delete')}
          </button>
        </div>
      )}
      {deleting && (
        <InlineQuestion question={t('lab.news.deleteQuestion', { title: item.title })} className="notice lab-confirm" testId="lab-news-delete-question" onCancel={back}>
          {(questionId) => (
            <form noValidate aria-labelledby={questionId} onSubmit={(event) => void remove(event)}>
              <ErrorAlert problem={form.problem} />
              <SubmitOrCancel submit={t('lab.news.confirmDelete')} cancel={t('lab.news.cancel')} busy={form.busy} onCancel={back} danger />
            </form>
          )}
        </InlineQuestion>
      )}
    </article>
  );
}
