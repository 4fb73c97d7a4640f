import type { ProjectView, PublishedText, PublishedTextOfTask, PublishedTextPage } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { ErrorAlert } from '../components/ErrorAlert';
import { NothingHere } from '../components/NothingHere';
import { ShowMore } from '../components/ShowMore';
import { useClient } from '../lib/clientContext';
import { Link, projectPath, subjectPath } from '../lib/router';
import { subjectTitle } from '../lib/subjectName';
import { researchersWords } from '../lib/textLanguage';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';

/**
 * `/projects/:slug/sets/:setId/read?workflowId=`: a subject set read as a document, as its project publishes its
 * results (`resultsPublic`): each subject's page in the set's order, headed by its number (and its title) with a link
 * to its discussion, its published text, or "Not transcribed yet" for a gap; more pages as the reader asks for them,
 * and the whole as a text file (a link to the server's download).
 */
export function ReadSetPage({ projectSlug, setId, workflowId }: { projectSlug: string; setId: string; workflowId: string | null }) {
  const { t } = useTranslation();
  const client = useClient();
  const project = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const text = useLoaded(() => (workflowId ? client.publishedText(setId, workflowId) : Promise.resolve(null)), [client, setId, workflowId]);
  useDocumentTitle(text.data ? t('read.pageTitle', { set: text.data.name }) : t('read.title'));
  if (project.missing || text.missing || !workflowId) return <NothingHere testId="read-not-found" title={t('read.notFoundTitle')} body={t('read.notFound')} />;
  const problem = project.problem ?? text.problem;
  return (
    <div className="page page-read" data-testid="read-page">
      <Breadcrumb up={project.data ? [{ to: projectPath(project.data.slug), label: project.data.title }] : []} here={text.data?.name ?? t('read.title')} />
      <h1 tabIndex={-1}>{text.data && project.data ? <span {...researchersWords(project.data.language)}>{t('read.pageTitle', { set: text.data.name })}</span> : t('read.title')}</h1>
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={project.problem ? project.reload : text.reload}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {project.data && text.data ? (
        <ReadPages project={project.data} first={text.data} />
      ) : (
        !problem && (
          <p className="loading" role="status">
            {t('read.loading')}
          </p>
        )
      )}
    </div>
  );
}

/** The set's pages read so far, each as `ReadPage` shows it, "Show more pages" under them, and the text file. */
function ReadPages({ project, first }: { project: ProjectView; first: PublishedText }) {
  const { t } = useTranslation();
  const client = useClient();
  const pages = useMorePages(first, (read) => read.pages, (after) => client.publishedText(first.subjectSetId, first.workflowId, { after }));
  return (
    <>
      <p className="lead">{t('read.lead')}</p>
      <p>
        {/* A plain link: the server streams the file as an attachment (Content-Disposition), never held in the page. */}
        <a className="button button-secondary" href={client.publishedTextFileUrl(first.subjectSetId, first.workflowId)} download data-testid="read-download">
          {t('read.download')}
        </a>
      </p>
      <ol className="read-pages" data-testid="read-pages">
        {pages.items.map((page, index) => (
          <li key={page.subjectId} {...pages.newRow(index)}>
            <ReadPage project={project} page={page} />
          </li>
        ))}
      </ol>
      <ErrorAlert problem={pages.problem} />
      <ShowMore next={pages.next} onMore={pages.showMore} loading={pages.loading} label={t('read.more')} />
    </>
  );
}

/** One page: its number and title, a link to its discussion, then each transcription's text, or that it is a gap. */
function ReadPage({ project, page }: { project: ProjectView; page: PublishedTextPage }) {
  const { t } = useTranslation();
  const headingId = `read-page-${page.subjectId}`;
  const title = page.metadata ? subjectTitle({ metadata: page.metadata }) : null;
  return (
    <article aria-labelledby={headingId} data-testid="read-page-item">
      <h2 id={headingId}>
        {t('read.pageNumber', { page: page.page })}
        {title && (
          <>
            {' · '}
            <span {...researchersWords(project.language)}>{title}</span>
          </>
        )}
      </h2>
      {page.texts ? (
        page.texts.map((text) => (
          <section key={text.task} aria-label={page.texts!.length > 1 ? text.instruction : undefined}>
            {page.texts!.length > 1 && <h3 {...researchersWords(project.language)}>{text.instruction}</h3>}
            <ReadText project={project} text={text} />
          </section>
        ))
      ) : (
        <p className="muted" data-testid="read-gap">
          {t('read.notYet')}
        </p>
      )}
      <p>
        <Link to={subjectPath(project.slug, page.subjectId)} aria-describedby={headingId}>
          {t('read.discuss')}
        </Link>
      </p>
    </article>
  );
}

/** A transcription task's text, or a neutral word on why there is none (a blank page, not reached, waiting for a check, not yet). */
function ReadText({ project, text }: { project: ProjectView; text: PublishedTextOfTask }) {
  const { t } = useTranslation();
  if (text.state === 'transcribed' && text.text) {
    return (
      <p className="read-text" {...researchersWords(project.language)}>
        {text.text}
      </p>
    );
  }
  const why = text.state === 'transcribed' ? 'blank' : text.state === 'notTranscribed' ? 'notYet' : text.state;
  return (
    <p className="muted" data-testid="read-gap">
      {t(`read.${why}`)}
    </p>
  );
}
