import { LISTED_PROJECT_STATUSES, SEARCH_LIMITS, type ProjectListFilters, type ProjectSummary } from '@chorus/client';
import { isLanguageTag } from '@chorus/tasks';
import { useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { describedBy, FieldNotes } from '../components/FormField';
import { LoadedList } from '../components/LoadedList';
import { ProjectImage } from '../components/ProjectImage';
import { ProjectWorkflows } from '../components/ProjectWorkflows';
import { useClient } from '../lib/clientContext';
import { Link, navigate, projectPath, replacePath, useSearch } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { languageName } from '../lib/languageName';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';
import { searchRefusal } from '../lib/search';
import { researchersWords } from '../lib/textLanguage';
import { ShowMore } from '../components/ShowMore';

/** Projects a page of the list shows; "Show more projects" reads the next. */
const PAGE_SIZE = 24;

type HomeFilters = Pick<ProjectListFilters, 'search' | 'language' | 'status'>;

/** The search, language and status the address names; a language that is no tag, or another status, is left out. */
function filtersIn(address: URLSearchParams): HomeFilters {
  const language = address.get('language') ?? '';
  const status = LISTED_PROJECT_STATUSES.find((listed) => listed === address.get('status'));
  return { search: address.get('search')?.trim() || undefined, language: isLanguageTag(language) ? language : undefined, status };
}

/**
 * The project list, newest first, a page at a time: each project with the workflows a volunteer can join now. A
 * search (by words of a project's title or address, whatever their accents), a language and a status (live or
 * finished) are in the address (`?search=&language=&status=`), to share or reload.
 */
export function HomePage() {
  const client = useClient();
  const address = useSearch();
  const { search, language, status } = filtersIn(address);
  // A page keeps the filters it was read with: the next pages and the words said come from the first page's, not from newer filters still loading.
  const readPage = async (filters: HomeFilters, before?: string) => ({ ...(await client.listProjects({ limit: PAGE_SIZE, ...filters, before })), filters });
  const { data, problem, reload: retry } = useLoaded(() => readPage({ search, language, status }), [client, search, language, status]);
  const { items: projects, next, showMore, problem: moreProblem, loading, newRow, added } = useMorePages(
    data,
    (page) => page.projects,
    (before) => readPage(data?.filters ?? {}, before),
  );
  const { t } = useTranslation();
  useDocumentTitle(t('home.title'));
  // The field follows the address (back, forward), and keeps its focus as a search is shown.
  const [typed, setTyped] = useState(search ?? '');
  useEffect(() => setTyped(search ?? ''), [search]);
  // A search the API would refuse is said here and not sent, the words typed kept to shorten.
  const [refused, setRefused] = useState<string>();
  const field = useRef<HTMLInputElement>(null);
  const shown = data?.filters;
  /** Opens the address `form` names (`go`: a new entry, or in place of the one shown), unless its search is refused. */
  const show = (form: HTMLFormElement, go: (address: string) => void) => {
    const refusal = searchRefusal(typed, t);
    setRefused(refusal);
    if (refusal) return field.current?.focus();
    go(addressOf(form));
  };

  return (
    <div className="page page-home">
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p className="lead">{t('home.lead')}</p>
      <search>
        <form
          className="project-search"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            show(event.currentTarget, navigate);
          }}
        >
          <label htmlFor="project-search">{t('home.search')}</label>
          <input
            id="project-search"
            ref={field}
            name="search"
            type="search"
            dir="auto"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            maxLength={SEARCH_LIMITS.length}
            {...describedBy({ id: 'project-search', error: refused })}
          />
          <button type="submit" className="button button-secondary">
            {t('home.searchButton')}
          </button>
          {/* In place of the address shown: arrowing through a select's options leaves one entry in the history, not one each. */}
          <ProjectFilters language={language} status={status} choose={(select) => select.form && show(select.form, replacePath)} />
          <FieldNotes id="project-search" error={refused} />
        </form>
      </search>
      <LoadedList items={data ? projects : null} problem={problem ?? moreProblem} reload={() => (problem ? retry() : void showMore())} loading={t('home.loading')} empty={emptySaid(shown, t)} announced>
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

/**
 * The language and status selects of the search form, which show their choice at once (from the first page): the
 * languages of the listed projects, by their names in the interface's language, with how many projects each has.
 */
function ProjectFilters({ language, status, choose }: Pick<HomeFilters, 'language' | 'status'> & { choose: (select: HTMLSelectElement) => void }) {
  const client = useClient();
  const { t, i18n } = useTranslation();
  // Without the languages (an API that cannot say them), the choice is "Any" and the one in the address.
  const { data } = useLoaded(() => client.projectLanguages(), [client]);
  const counted = data?.languages ?? [];
  const choices = [...counted, ...(language && !counted.some((entry) => entry.language.toLowerCase() === language.toLowerCase()) ? [{ language, projects: undefined }] : [])]
    .map((entry) => ({ ...entry, name: languageName(entry.language, i18n.language) }))
    .sort((one, other) => one.name.localeCompare(other.name, i18n.language));
  const selected = choices.find((choice) => choice.language.toLowerCase() === language?.toLowerCase())?.language ?? '';

  return (
    <div className="project-filters">
      <label htmlFor="project-language">{t('home.language')}</label>
      <select id="project-language" name="language" value={selected} onChange={(event) => choose(event.currentTarget)}>
        <option value="">{t('home.anyLanguage')}</option>
        {choices.map((choice) => (
          <option key={choice.language} value={choice.language}>
            {choice.projects === undefined ? choice.name : t('home.languageOption', { language: choice.name, count: choice.projects })}
          </option>
        ))}
      </select>
      <label htmlFor="project-status">{t('home.statusFilter')}</label>
      <select id="project-status" name="status" value={status ?? ''} onChange={(event) => choose(event.currentTarget)}>
        <option value="">{t('home.anyStatus')}</option>
        {LISTED_PROJECT_STATUSES.map((listed) => (
          <option key={listed} value={listed}>
            {t(`home.statusOption.${listed}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Why the list is empty: the search's words, the language and status chosen, both, or no project yet. */
function emptySaid(filters: HomeFilters | undefined, t: TFunction): string {
  const chosen = Boolean(filters?.language || filters?.status);
  if (filters?.search) return chosen ? t('home.noMatchFiltered', { search: filters.search }) : t('home.noMatch', { search: filters.search });
  return chosen ? t('home.noneFiltered') : t('home.empty');
}

/** The address of the projects the search field and the selects name (with none, every project). */
function addressOf(searchForm: HTMLFormElement): string {
  const form = new FormData(searchForm);
  const chosen = ['search', 'language', 'status'].map((name) => [name, String(form.get(name) ?? '').trim()]).filter(([, value]) => value);
  return chosen.length ? `/?${new URLSearchParams(chosen)}` : '/';
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
