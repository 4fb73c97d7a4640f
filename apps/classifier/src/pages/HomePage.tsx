import type { ProjectSummary } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { LoadedList } from '../components/LoadedList';
import { ProjectWorkflows } from '../components/ProjectWorkflows';
import { useClient } from '../lib/clientContext';
import { Link, projectPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';
import { researchersWords } from '../lib/textLanguage';

/** The project list: each project with the workflows a volunteer can join now. */
export function HomePage() {
  const client = useClient();
  const { data, problem, reload: retry } = useLoaded(() => client.listProjects(), [client]);
  const projects = data?.projects ?? null;
  const { t } = useTranslation();
  useDocumentTitle(t('home.title'));

  return (
    <div className="page page-home">
      <h1 tabIndex={-1}>{t('home.title')}</h1>
      <p className="lead">{t('home.lead')}</p>
      <LoadedList items={projects} problem={problem} reload={retry} loading={t('home.loading')} empty={t('home.empty')}>
        {(listed) => (
          <ul className="project-list">
            {listed.map((project) => (
              <li key={project.id}>
                <ProjectCard project={project} />
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </div>
  );
}

function ProjectCard({ project }: { project: ProjectSummary }) {
  const headingId = `project-${project.id}`;
  const { t } = useTranslation();
  return (
    <article className="project" aria-labelledby={headingId} data-project-slug={project.slug}>
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
