import type { ProjectSummary } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { classifyPath, Link } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useLoaded } from '../lib/useLoaded';
import { WorkflowFigures } from './WorkflowProgress';

/**
 * The workflows of a project a volunteer can join now, each a link to its classify page (or marked complete); with
 * `progress` (its own page), each with its figures, fetched after the page shows (the project cards leave them out:
 * a request for each workflow of every project).
 */
export function ProjectWorkflows({ project, progress = false }: { project: Pick<ProjectSummary, 'slug' | 'status' | 'workflows' | 'language'>; progress?: boolean }) {
  const { t } = useTranslation();
  const projectWords = researchersWords(project.language);
  // A paused or finished project's workflows lead nowhere a volunteer can help: said here, rather than after the click.
  if (project.status === 'paused') return <p className="muted">{t('home.projectPaused')}</p>;
  if (project.status === 'finished') return <p className="muted">{t('home.projectFinished')}</p>;
  const active = project.workflows.filter((workflow) => workflow.status === 'active');
  if (active.length === 0) return <p className="muted">{t('home.noWorkflow')}</p>;
  return (
    <ul className="workflow-list">
      {active.map((workflow) => {
        const nameId = `workflow-name-${workflow.id}`;
        return (
          <li key={workflow.id}>
            {workflow.complete ? (
              // Nothing left to classify: said here, rather than after the click.
              <p className="workflow-complete" data-testid="workflow-complete">
                <span id={nameId} {...projectWords}>
                  {workflow.name}
                </span>{' '}
                <span className="badge">{t('home.complete')}</span>
              </p>
            ) : (
              <Link id={nameId} className="workflow-link" to={classifyPath(project.slug, workflow.id)} {...projectWords}>
                {workflow.name}
                {/* Not read out: a screen reader says "right arrow". */}
                <span aria-hidden="true"> →</span>
              </Link>
            )}
            {progress && <LoadedFigures workflowId={workflow.id} nameId={nameId} />}
          </li>
        );
      })}
    </ul>
  );
}

/** A workflow's figures once its stats come; none if they fail to (the way in to classify matters more than they do). */
function LoadedFigures({ workflowId, nameId }: { workflowId: string; nameId: string }) {
  const client = useClient();
  const { data: stats } = useLoaded(() => client.stats(workflowId), [client, workflowId]);
  return stats && <WorkflowFigures stats={stats} nameId={nameId} />;
}
