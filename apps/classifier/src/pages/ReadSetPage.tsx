import type { ProjectView, PublishedText, PublishedTextOfTask, PublishedTextPage } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n';
import { Breadcrumb } from '../components/Breadcrumb';
import { ErrorAlert } from '../components/ErrorAlert';
import { NothingHere } from '../components/NothingHere';
import { ShowMore } from '../components/ShowMore';
import { useClient } from '../lib/clientContext';
import { describeError, namesNothing, type Problem } from '../lib/errors';
import { useFollowedDownload } from '../lib/useFollowedDownload';
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
 * and the whole as a text file (`TextDownload`). A set of another project than the address's is not found here, as one
 * that is not there.
 */
export function ReadSetPage({ projectSlug, setId, workflowId }: { projectSlug: string; setId: string; workflowId: string | null }) {
  const { t } = useTranslation();
  const client = useClient();
  const project = useLoaded(() => client.getProject(projectSlug), [client, projectSlug]);
  const projectId = project.data?.id;
  // Asked in the address's project: the API does not find a set of another one (404 naming `/query/projectId`).
  const loaded = useLoaded(() => (workflowId && projectId ? client.publishedText(setId, workflowId, { projectId }) : Promise.resolve(null)), [client, setId, workflowId, projectId], whyUnreadable);
  const text = loaded.data;
  useDocumentTitle(text ? t('read.pageTitle', { set: text.name }) : t('read.title'));
  if (project.missing || loaded.missing || !workflowId) return <NothingHere testId="read-not-found" title={t('read.notFoundTitle')} body={t('read.notFound')} />;
  const problem = project.problem ?? loaded.problem;
  return (
    <div className="page page-read" data-testid="read-page">
      <Breadcrumb up={project.data ? [{ to: projectPath(project.data.slug), label: project.data.title }] : []} here={text?.name ?? t('read.title')} />
      <h1 tabIndex={-1}>{text && project.data ? <span {...researchersWords(project.data.language)}>{t('read.pageTitle', { set: text.name })}</span> : t('read.title')}</h1>
      <ErrorAlert problem={problem}>
        {/* A refusal of what the address asks (a workflow without a transcription) stays: only a passing failure is worth another try. */}
        {!problem?.lasting && (
          <button type="button" className="button button-secondary" onClick={project.problem ? project.reload : loaded.reload}>
            {t('app.tryAgain')}
          </button>
        )}
      </ErrorAlert>
      {project.data && text ? (
        <ReadPages project={project.data} first={text} />
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

/** Why the set cannot be read: a workflow that transcribes nothing in the reader's words, any other failure as anywhere. */
function whyUnreadable(error: unknown): Problem {
  const problem = describeError(error);
  return namesNothing(error, '/query/workflowId') ? { ...problem, detail: i18n.t('read.noTranscription'), fields: [] } : problem;
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
        <TextDownload project={project} text={first} />
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

/**
 * "Download as text": a plain link to the file the server streams for a project anyone may read; for a draft project
 * (its members alone read it, and a plain link carries no token) a download link asked for with the reader's token at
 * each click, and followed, so that the browser saves the file as it streams too; the button busy while the link is
 * asked for, so that one click makes one download.
 */
function TextDownload({ project, text }: { project: ProjectView; text: PublishedText }) {
  const { t } = useTranslation();
  const client = useClient();
  const { started, problem, save, busy } = useFollowedDownload();
  if (project.status !== 'draft') {
    return (
      <a className="button button-secondary" href={client.publishedTextFileUrl(text.subjectSetId, text.workflowId)} download data-testid="read-download">
        {t('read.download')}
      </a>
    );
  }
  return (
    <>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => void save(async () => (await client.publishedTextLink(text.subjectSetId, text.workflowId)).url, (t) => t('read.downloadStarted'))}
        disabled={busy}
        aria-busy={busy}
        data-testid="read-download"
      >
        {t('read.download')}
      </button>
      <span role="status" className="muted">
        {busy ? ` ${t('read.downloading')}` : started ? ` ${started}` : ''}
      </span>
      <ErrorAlert problem={problem} />
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
