import { ABOUT_PAGE_KINDS, MARKDOWN_LENGTH, type AboutPageKind, type AboutPages, type ProjectView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TextAreaField } from '../../components/FormField';
import { Loaded } from '../../components/Loaded';
import { ResultNotice } from '../../components/ResultNotice';
import { problemAtFields } from '../../lib/account';
import { useClient } from '../../lib/clientContext';
import { Link, aboutPath } from '../../lib/router';
import { useForm } from '../../lib/useForm';
import { useLoaded } from '../../lib/useLoaded';
import { useResult } from '../../lib/useResult';

const CONTENT_FIELDS = ['content'] as const;

/**
 * The project's About pages, for its owner and collaborators: each page's Markdown in a form of its own, its length
 * shown, saved alone; an emptied page is no longer shown to volunteers.
 */
export function AboutPagesSection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, reload } = useLoaded(() => client.aboutPages(project.id), [client, project.id]);
  const [shown, setShown] = useState<AboutPages | null>(null);
  const pages = shown ?? data;
  return (
    <section className="lab-section" aria-labelledby="lab-about-heading" data-testid="lab-about">
      <h2 id="lab-about-heading">{t('lab.about.title')}</h2>
      <p>
        {t('lab.about.lead')}
        {pages?.pages.length ? (
          <>
            {' '}
            <Link to={aboutPath(project.slug)}>{t('lab.about.shown')}</Link>
          </>
        ) : null}
      </p>
      <Loaded data={data} problem={problem} reload={reload} loading={t('lab.about.loading')}>
        {(loaded) =>
          ABOUT_PAGE_KINDS.map((kind) => (
            <AboutPageForm key={kind} projectId={project.id} kind={kind} content={loaded.pages.find((page) => page.kind === kind)?.content ?? ''} onSaved={setShown} />
          ))
        }
      </Loaded>
    </section>
  );
}

/** One page's form: its Markdown, how many characters of the most it uses, and Save (empty: removes it). */
function AboutPageForm({ projectId, kind, content, onSaved }: { projectId: string; kind: AboutPageKind; content: string; onSaved: (pages: AboutPages) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const form = useForm({ content }, CONTENT_FIELDS);
  const [result, say] = useResult();
  const id = `lab-about-${kind}`;
  const submit = form.onSubmit({
    check: () => ({}),
    send: async () => {
      const pages = await client.setAboutPage(projectId, kind, form.values.content);
      onSaved(pages);
      const kept = pages.pages.some((saved) => saved.kind === kind);
      say((t) => (kept ? t('lab.about.saved', { page: t(`about.kind.${kind}`) }) : t('lab.about.removed', { page: t(`about.kind.${kind}`) })));
    },
    refused: (error) => problemAtFields(error, CONTENT_FIELDS),
  });
  return (
    <form className="account-form" noValidate aria-labelledby={`${id}-heading`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-heading`}>{t(`about.kind.${kind}`)}</h3>
      <ErrorAlert problem={form.problem} focus />
      <TextAreaField
        id={id}
        label={t('lab.about.content', { page: t(`about.kind.${kind}`) })}
        hint={t('lab.about.contentHint', { length: form.values.content.length, limit: MARKDOWN_LENGTH })}
        maxLength={MARKDOWN_LENGTH}
        rows={6}
        {...form.field('content')}
      />
      <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
        {form.busy ? t('lab.saving') : t('lab.about.save', { page: t(`about.kind.${kind}`) })}
      </button>
      <ResultNotice result={result} testId={`${id}-result`} />
    </form>
  );
}
