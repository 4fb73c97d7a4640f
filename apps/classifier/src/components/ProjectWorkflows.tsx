import type { ProjectSummary } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { classifyPath, Link } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';

/** The workflows of a project a volunteer can join now, each a link to its classify page (or marked complete). */
export function ProjectWorkflows({ project }: { project: Pick<ProjectSummary, 'slug' | 'status' | 'workflows' | 'language'> }) {
  const { t } = useTranslation();
  const projectWords = researchersWords(project.language);
  // A paused or finished project's workflows lead nowhere a volunteer can help: said here, rather than after the click.
  if (project.status === 'paused') return <p className="muted">{t('home.projectPaused')}</p>;
  if (project.status === 'finished') return <p className="muted">{t('home.projectFinished')}</p>;
  const active = project.workflows.filter((workflow) => workflow.status === 'active');
  if (active.length === 0) return <p className="muted">{t('home.noWorkflow')}</p>;
  return (
    <ul className="workflow-list">
      {active.map((workflow) => (
        <li key={workflow.id}>
          {workflow.complete ? (
            // Nothing left to classify: said here, rather than after the click.
            <p className="workflow-complete" data-testid="workflow-complete">
              <span {...projectWords}>{workflow.name}</span> <span className="badge">{t('home.complete')}</span>
            </p>
          ) : (
            <Link className="workflow-link" to={classifyPath(project.slug, workflow.id)} {...projectWords}>
              {workflow.name}
              {/* Not read out: a screen reader says "right arrow". */}
              <span aria-hidden="true"> →</span>
            </Link>
          )}
        </li>
      ))}
    </ul>
  );
}
