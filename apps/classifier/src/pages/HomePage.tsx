import { PROJECT_SEARCH_LENGTH, type ProjectSummary } from '@chorus/client';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadedList } from '../components/LoadedList';
import { ProjectImage } from '../components/ProjectImage';
import { ProjectWorkflows } from '../components/ProjectWorkflows';
import { useClient } from '../lib/clientContext';
import { Link, navigate, projectPath, useSearch } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';
import { researchersWords } from '../lib/textLanguage';
import { ShowMore } from '../components/ShowMore';

/** Projects a page of the list shows; "Show more projects" reads the next. */
const PAGE_SIZE = 24;

/**
 * The project list, newest first, a page at a time: each project with the workflows a volunteer can join now. A
 * search (by words of a project's title or address, whatever their accents) is in the address (`?search=`), to share or reload.
 */
export function HomePage() {
  const client = useClient();
  const search = useSearch().get('search')?.trim().slice(0, PROJECT_SEARCH_LENGTH) || undefined;
  // A page keeps the search it was read with: the next pages and the words said come from the first page's, not from a newer search still loading.
  const readPage = async (words: string | undefined, before?: string) => ({ ...(await client.listProjects({ limit: PAGE_SIZE, search: words, before })), search: words });
  const { data, problem, reload: retry } = useLoaded(() => readPage(search), [client, search]);
  const { items: projects, next, showMore, problem: moreProblem, loading, newRow, added } = useMorePages(
    data,
    (page) => page.projects,
    (before) => readPage(data?.search, before),
  );
  const { t } = useTranslation();
  useDocumentTitle(t('home.title'));
  // The field follows the address (back, forward), and keeps its focus as a search is shown.
  const [typed, setTyped] = useState(search ?? '');
  useEffect(() => setTyped(search ?? ''), [search]);

  return (
    <div className="page page-home">
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p className="lead">{t('home.lead')}</p>
      <search>
        <form className="project-search" onSubmit={(event) => searchFor(event)}>
          <label htmlFor="project-search">{t('home.search')}</label>
          <input id="project-search" name="search" type="search" dir="auto" value={typed} onChange={(event) => setTyped(event.target.value)} maxLength={PROJECT_SEARCH_LENGTH} />
          <button type="submit" className="button button-secondary">
            {t('home.searchButton')}
          </button>
        </form>
      </search>
      <LoadedList items={data ? projects : null} problem={problem ?? moreProblem} reload={() => (problem ? retry() : void showMore())} loading={t('home.loading')} empty={data?.search ? t('home.noMatch', { search: data.search }) : t('home.empty')}>
        {(listed) => (
          <ul className="project-list">
            {listed.map((project, index) => (
              <li key={project.id}>
                <ProjectCard project={project} row={newRow(index)} />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
      <ShowMore next={next} onMore={showMore} loading={loading} label={t('home.showMore')} />
      <p className="visually-hidden" role="status" data-testid="home-more-status">
        {added > 0 && t('home.moreShown', { count: added })}
      </p>
    </div>
  );
}

/** Shows the projects the search field names, in the address (an empty search shows them all). */
function searchFor(event: FormEvent<HTMLFormElement>) {
  event.preventDefault();
  const search = String(new FormData(event.currentTarget).get('search') ?? '').trim();
  navigate(search ? `/?${new URLSearchParams({ search })}` : '/');
}

/** `row`: `useMorePages`'s `newRow`, which focuses the first card a next page brought. */
function ProjectCard({ project, row }: { project: ProjectSummary; row: ReturnType<ReturnType<typeof useMorePages>['newRow']> }) {
  const headingId = `project-${project.id}`;
  const { t } = useTranslation();
  return (
    <article className="project" aria-labelledby={headingId} data-project-slug={project.slug} {...row}>
      {project.imageUrl && <ProjectImage url={project.imageUrl} alt={project.imageAlt ?? ''} language={project.language} />}
      <h2 id={headingId}>
        <Link to={projectPath(project.slug)} {...researchersWords(project.language)}>
          {project.title}
        </Link>
        {project.status !== 'live' && (
          <>
            {' '}
            <span className="badge">{t(`home.status.${project.status}`)}</span>
          </>
        )}
      </h2>
      {project.description && (
        <p className="project-description" {...researchersWords(project.language)}>
          {project.description}
        </p>
      )}
      <h3 className="visually-hidden">{t('home.workflowsOf', { project: project.title })}</h3>
      <ProjectWorkflows project={project} />
    </article>
  );
}
