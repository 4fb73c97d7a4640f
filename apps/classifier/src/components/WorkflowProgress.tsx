import type { WorkflowStats } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

/** The subjects whose retirement is the workflow's progress: all but the gold standard, which is never retired. */
const retirable = (stats: WorkflowStats) => stats.subjects - stats.goldStandard;

/**
 * How much of a workflow is done in words, in the page's language and number format: "1,204 of 3,000 subjects done,
 * 40%". The share is rounded down, so that it says 100% only once every subject is retired.
 */
export function workflowDone(t: TFunction, stats: WorkflowStats): string {
  const subjects = retirable(stats);
  const share = subjects > 0 ? Math.floor((100 * stats.retired) / subjects) / 100 : 0;
  return t('workflowProgress.done', { retired: stats.retired, count: subjects, share });
}

/**
 * A workflow's subjects retired as a progress bar, named by `label` or by the element `labelledBy` names, its value in
 * words (`workflowDone`) for screen readers: the lab's and the project page's alike.
 */
export function WorkflowProgressBar({ stats, label, labelledBy }: { stats: WorkflowStats; label?: string; labelledBy?: string }) {
  const { t } = useTranslation();
  return (
    <progress
      max={Math.max(retirable(stats), 1)}
      value={stats.retired}
      aria-label={label}
      aria-labelledby={labelledBy}
      aria-valuetext={workflowDone(t, stats)}
    />
  );
}

/** How far a workflow has got, for its team: subjects retired of those it has (gold standard aside), and classifications. */
export function WorkflowProgress({ stats }: { stats: WorkflowStats }) {
  const { t } = useTranslation();
  return (
    <>
      <WorkflowProgressBar stats={stats} label={t('lab.progress.label')} />{' '}
      <span data-testid="workflow-progress">{t('lab.progress.summary', { retired: stats.retired, subjects: retirable(stats), count: stats.classifications })}</span>
    </>
  );
}

/**
 * A workflow's progress for volunteers, on its project's page: the bar, named by the workflow's name (the element
 * `nameId`), how much is done, and the classifications and volunteers so far.
 */
export function WorkflowFigures({ stats, nameId }: { stats: WorkflowStats; nameId: string }) {
  const { t } = useTranslation();
  return (
    <p className="workflow-figures" data-testid="workflow-figures">
      <WorkflowProgressBar stats={stats} labelledBy={nameId} />
      {/* The bar says it to a screen reader already, as its value. */}
      <span aria-hidden="true">{workflowDone(t, stats)} · </span>
      <span>
        {stats.classifications === 0
          ? t('workflowProgress.noneYet')
          : t('workflowProgress.sofar', {
              classifications: t('workflowProgress.classifications', { count: stats.classifications }),
              volunteers: t('workflowProgress.volunteers', { count: stats.volunteers }),
            })}
      </span>
    </p>
  );
}
