import type { ProjectSummary } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../components/ErrorAlert';
import { ProjectWorkflows } from '../components/ProjectWorkflows';
import { useClient } from '../lib/clientContext';
import { Link, projectPath } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';
import { useLoaded } from '../lib/useLoaded';

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
      <ErrorAlert problem={problem}>
        <button type="button" className="button button-secondary" onClick={retry}>
          {t('app.tryAgain')}
        </button>
      </ErrorAlert>
      {projects === null ? (
        !problem && (
          <p className="loading" role="status">
            {t('home.loading')}
          </p>
        )
      ) : projects.length === 0 ? (
        <p>{t('home.empty')}</p>
      ) : (
        <ul className="project-list">
          {projects.map((project) => (
            <li key={project.id}>
              <ProjectCard project={project} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ProjectCard({ project }: { project: ProjectSummary }) {
  const headingId = `project-${project.id}`;
  const { t } = useTranslation();
  return (
    <article className="project" aria-labelledby={headingId} data-project-slug={project.slug}>
      <h2 id={headingId}>
        <Link to={projectPath(project.slug)}>
          {project.title}
        </Link>
        {project.status !== 'live' && <span className="badge">{t(`home.status.${project.status}`)}</span>}
      </h2>
      {project.description && <p className="project-description">{project.description}</p>}
      <h3 className="visually-hidden">{t('home.workflowsOf', { project: project.title })}</h3>
      <ProjectWorkflows project={project} />
    </article>
  );
}
