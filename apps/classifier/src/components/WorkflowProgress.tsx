import type { WorkflowStats } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { quotedListIn } from '../lib/lists';

/** How often a project's page left open fetches its workflows' figures again while it shows (the API keeps them 30 s). */
export const FIGURES_REFRESH_MS = 60_000;

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

/** A progress bar's name: its own words, or those of the element whose id it is given; one or the other, never none. */
type BarName = { label: string; labelledBy?: never } | { labelledBy: string; label?: never };

/**
 * A workflow's subjects retired as a progress bar, named by `label` or by the element `labelledBy` names, described by
 * the one `describedBy` names (if any): the lab's and the project page's alike. A screen reader reads its value as a
 * percentage.
 */
function WorkflowProgressBar({ stats, label, labelledBy, describedBy }: { stats: WorkflowStats; describedBy?: string } & BarName) {
  return <progress max={Math.max(retirable(stats), 1)} value={stats.retired} aria-label={label} aria-labelledby={labelledBy} aria-describedby={describedBy} />;
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
 * `nameId`), how much is done (and, when that is all it has, from where more may come, as its queue says), and the
 * classifications and volunteers so far.
 */
export function WorkflowFigures({ stats, nameId }: { stats: WorkflowStats; nameId: string }) {
  const { t, i18n } = useTranslation();
  const doneId = useId();
  const workflows = stats.comingFrom && quotedListIn(i18n.language, t, stats.comingFrom);
  return (
    <p className="workflow-figures" data-testid="workflow-figures">
      {/* The words describe the bar, read with it (some screen readers leave out a progress bar's aria-valuetext). */}
      <WorkflowProgressBar stats={stats} labelledBy={nameId} describedBy={doneId} />
      <span id={doneId}>{workflowDone(t, stats)}</span>
      {workflows && (
        <>
          <span aria-hidden="true"> · </span>
          <span data-testid="workflow-coming">{stats.feedersPaused ? t('workflowProgress.comingFromPaused', { workflows }) : t('workflowProgress.comingFrom', { workflows })}</span>
        </>
      )}
      <span aria-hidden="true"> · </span>
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
