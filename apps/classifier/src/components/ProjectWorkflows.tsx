import type { ProjectSummary } from '@chorus/client';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { classifyPath, Link } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useLoaded } from '../lib/useLoaded';
import { useRefreshesWhileShown } from '../lib/useRefreshesWhileShown';
import { FIGURES_REFRESH_MS, WorkflowFigures } from './WorkflowProgress';

/**
 * The workflows of a project a volunteer can join now, each a link to its classify page (or marked complete); with
 * `progress` (its own page), each with its figures, fetched after the page shows (the project cards leave them out:
 * a request for each workflow of every project), and again, all together, every `FIGURES_REFRESH_MS` while it shows.
 */
export function ProjectWorkflows({ project, progress = false }: { project: Pick<ProjectSummary, 'slug' | 'status' | 'workflows' | 'language'>; progress?: boolean }) {
  const { t } = useTranslation();
  const open = project.status !== 'paused' && project.status !== 'finished';
  const active = project.workflows.filter((workflow) => workflow.status === 'active');
  // A paused or finished project, or one with no active workflow, shows no figures: no clock for them.
  const showsFigures = progress && open && active.length > 0;
  const refreshes = useRefreshesWhileShown(FIGURES_REFRESH_MS, showsFigures);
  const projectWords = researchersWords(project.language);
  // A paused or finished project's workflows lead nowhere a volunteer can help: said here, rather than after the click.
  if (project.status === 'paused') return <p className="muted">{t('home.projectPaused')}</p>;
  if (project.status === 'finished') return <p className="muted">{t('home.projectFinished')}</p>;
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
            {showsFigures && <LoadedFigures workflowId={workflow.id} nameId={nameId} refreshes={refreshes} />}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A workflow's figures once its stats come, their room kept empty until then so that nothing below moves when they
 * do; none if they fail to (the way in to classify matters more than they do). Shown, they are fetched again at each
 * of the page's `refreshes`, in place (those that failed stay out: coming later, they would move the page).
 */
function LoadedFigures({ workflowId, nameId, refreshes }: { workflowId: string; nameId: string; refreshes: number }) {
  const client = useClient();
  const { data: stats, problem, missing, reload } = useLoaded(() => client.stats(workflowId), [client, workflowId]);
  const shown = stats !== null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a refresh of the page, not the figures coming, fetches them again
  useEffect(() => {
    if (refreshes > 0 && shown) reload();
  }, [refreshes]);
  if (stats) return <WorkflowFigures stats={stats} nameId={nameId} />;
  if (problem || missing) return null;
  return <p className="workflow-figures" aria-hidden="true" />;
}
