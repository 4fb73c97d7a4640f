import { type ProjectSummary, workflowAnchor } from '@chorus/client';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { classifyPath, Link, readSetPath } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useLoaded } from '../lib/useLoaded';
import { useRefreshesWhileShown } from '../lib/useRefreshesWhileShown';
import { type ReadableSet, readsAs } from './ReadableSets';
import { FIGURES_REFRESH_MS, WorkflowFigures } from './WorkflowProgress';

/**
 * The workflows of a project a volunteer can join now, each a link to its classify page, and those complete or
 * finished, marked complete (each with its anchor, where a notification of its completion leads); with
 * `progress` (its own page), each with the subject sets volunteers may choose in it (`ChoosableSetLinks`) and its
 * figures, fetched after the page shows (the project cards leave them out: a request for each workflow of every
 * project), and again, all together, every `FIGURES_REFRESH_MS` while it shows. `readable`: the project's sets that
 * read as a document (`useReadableSets`), a Read link beside each of those a volunteer may choose.
 */
export function ProjectWorkflows({ project, progress = false, readable = [] }: { project: Pick<ProjectSummary, 'slug' | 'status' | 'workflows' | 'language'>; progress?: boolean; readable?: readonly ReadableSet[] }) {
  const { t } = useTranslation();
  const open = project.status !== 'paused' && project.status !== 'finished';
  const active = project.workflows.filter((workflow) => workflow.status === 'active');
  const done = project.workflows.filter((workflow) => workflow.status === 'finished' || (workflow.status === 'active' && workflow.complete));
  // A paused or finished project, or one with no active workflow, shows no figures: no clock for them.
  const showsFigures = progress && open && active.length > 0;
  const refreshes = useRefreshesWhileShown(FIGURES_REFRESH_MS, showsFigures);
  const projectWords = researchersWords(project.language);
  // A paused or finished project's workflows lead nowhere a volunteer can help: said here, rather than after the click.
  if (!open) {
    return (
      <>
        <p className="muted">{project.status === 'paused' ? t('home.projectPaused') : t('home.projectFinished')}</p>
        {done.length > 0 && (
          <ul className="workflow-list">
            {done.map((workflow) => (
              <li key={workflow.id} id={workflowAnchor(workflow.id)}>
                <CompleteWorkflow name={workflow.name} nameId={`workflow-name-${workflow.id}`} projectWords={projectWords} />
              </li>
            ))}
          </ul>
        )}
      </>
    );
  }
  const shown = [...active.filter((workflow) => !workflow.complete), ...done];
  if (shown.length === 0) return <p className="muted">{t('home.noWorkflow')}</p>;
  return (
    <ul className="workflow-list">
      {shown.map((workflow) => {
        const nameId = `workflow-name-${workflow.id}`;
        const complete = workflow.complete || workflow.status === 'finished';
        return (
          // Its anchor: a notification of its completion leads here.
          <li key={workflow.id} id={workflowAnchor(workflow.id)}>
            {complete ? (
              // Nothing left to classify: said here, rather than after the click.
              <CompleteWorkflow name={workflow.name} nameId={nameId} projectWords={projectWords} />
            ) : (
              <Link id={nameId} className="workflow-link" to={classifyPath(project.slug, workflow.id)} {...projectWords}>
                {workflow.name}
                {/* Not read out: a screen reader says "right arrow". */}
                <span aria-hidden="true"> →</span>
              </Link>
            )}
            {/* A complete workflow's sets are still listed where they read as a document: to read each. */}
            {showsFigures && (!complete || readable.some((set) => set.workflowId === workflow.id)) && <ChoosableSetLinks projectSlug={project.slug} workflowId={workflow.id} nameId={nameId} projectWords={projectWords} refreshes={refreshes} readable={readable} />}
            {showsFigures && workflow.status === 'active' && <LoadedFigures workflowId={workflow.id} nameId={nameId} refreshes={refreshes} />}
          </li>
        );
      })}
    </ul>
  );
}

/** A workflow nothing is left to classify in (complete, or finished by its researchers): its name, marked Complete. */
function CompleteWorkflow({ name, nameId, projectWords }: { name: string; nameId: string; projectWords: ReturnType<typeof researchersWords> }) {
  const { t } = useTranslation();
  return (
    <p className="workflow-complete" data-testid="workflow-complete">
      <span id={nameId} {...projectWords}>
        {name}
      </span>{' '}
      <span className="badge">{t('home.complete')}</span>
    </p>
  );
}

/**
 * The subject sets of a workflow that lets volunteers choose one (a letter, a diary), in its order, as a list of links
 * to its classify page for each set, with how many of the set's subjects are left (a set with none left is named, not
 * linked), and a link to read each that reads as a document in the workflow (of `readable`); nothing for a workflow that does not let them choose, or while the list loads or if it fails to. What is left
 * is fetched again with the figures, at each of the page's `refreshes`.
 */
function ChoosableSetLinks({
  projectSlug,
  workflowId,
  nameId,
  projectWords,
  refreshes,
  readable,
}: { projectSlug: string; workflowId: string; nameId: string; projectWords: ReturnType<typeof researchersWords>; refreshes: number; readable: readonly ReadableSet[] }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, reload } = useLoaded(() => client.choosableSets(workflowId), [client, workflowId]);
  // A workflow with no sets to choose (most do not let volunteers choose) is not asked again every minute.
  useReloadedAt(refreshes, !!data?.sets.length, reload);
  if (!data?.sets.length) return null;
  const labelId = `workflow-sets-${workflowId}`;
  return (
    <div className="workflow-sets">
      <p id={labelId}>{t('home.chooseSet')}</p>
      <ul aria-labelledby={`${nameId} ${labelId}`} data-testid="choosable-sets">
        {data.sets.map((set) => (
          <li key={set.id}>
            {set.left ? (
              <Link to={classifyPath(projectSlug, workflowId, set.id)} {...projectWords}>
                {set.name}
              </Link>
            ) : (
              <span {...projectWords}>{set.name}</span>
            )}{' '}
            <span className="muted">{set.left ? t('home.setLeft', { count: set.left, total: set.subjects }) : t('home.setDone')}</span>
            {readsAs(readable, set.id, workflowId) && (
              <>
                {' '}
                <Link to={readSetPath(projectSlug, set.id, workflowId)} aria-label={t('home.readSetNamed', { set: set.name })} data-testid="read-set">
                  {t('home.readSet')}
                </Link>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
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
  useReloadedAt(refreshes, stats !== null, reload);
  if (stats) return <WorkflowFigures stats={stats} nameId={nameId} />;
  if (problem || missing) return null;
  return <p className="workflow-figures" aria-hidden="true" />;
}

/** Fetches again, at each of the page's `refreshes`, what was `shown` (what failed stays out: coming later, it would move the page). */
function useReloadedAt(refreshes: number, shown: boolean, reload: () => void): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: a refresh of the page, not what it shows coming, fetches it again
  useEffect(() => {
    if (refreshes > 0 && shown) reload();
  }, [refreshes]);
}
