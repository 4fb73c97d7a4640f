import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../components/Breadcrumb';
import { ErrorAlert } from '../components/ErrorAlert';
import { LoadedList } from '../components/LoadedList';
import { NothingHere } from '../components/NothingHere';
import { NewsByEmail, NewsItem } from '../components/ProjectNews';
import { useClient } from '../lib/clientContext';
import { projectPath } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { useMorePages } from '../lib/useMorePages';
import { ShowMore } from '../components/ShowMore';

/** All of a project's news (`/projects/:slug/news`, where its mails link), newest first, a page at a time. */
export function ProjectNewsPage({ projectSlug }: { projectSlug: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem, missing, reload } = useLoaded(async () => {
    const project = await client.getProject(projectSlug);
    return { project, first: await client.projectNews(project.id) };
  }, [client, projectSlug]);
  const project = data?.project;
  const pages = useMorePages(data?.first ?? null, (page) => page.news, (after) => client.projectNews(project!.id, { after }));
  useDocumentTitle(project ? t('news.pageTitle', { project: project.title }) : t('news.title'));
  if (missing) return <NothingHere testId="project-not-found" title={t('project.notFoundTitle')} body={t('project.notFound')} />;
  return (
    <div className="page page-news" data-testid="news-page">
      <Breadcrumb up={project ? [{ to: projectPath(project.slug), label: project.title }] : []} here={t('news.title')} />
      <h1 tabIndex={-1}>{project ? <span {...researchersWords(project.language)}>{t('news.pageTitle', { project: project.title })}</span> : t('news.title')}</h1>
      {project && <NewsByEmail projectId={project.id} />}
      <LoadedList items={data ? pages.items : null} problem={problem} reload={reload} loading={t('news.loading')} empty={t('news.none')}>
        {(items) => (
          <ol className="news-list">
            {items.map((item, index) => (
              <li key={item.id} {...pages.newRow(index)}>
                <NewsItem item={item} level={2} language={project!.language} />
              </li>
            ))}
          </ol>
        )}
      </LoadedList>
      <ErrorAlert problem={pages.problem} />
      <ShowMore next={pages.next} onMore={pages.showMore} loading={pages.loading} label={t('news.more')} />
    </div>
  );
}
