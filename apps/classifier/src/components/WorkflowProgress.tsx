import type { WorkflowStats } from '@chorus/client';
import { useTranslation } from 'react-i18next';

/** How far a workflow has got: subjects retired of those it has (gold standard aside), and classifications. */
export function WorkflowProgress({ stats }: { stats: WorkflowStats }) {
  const { t } = useTranslation();
  const retirable = stats.subjects - stats.goldStandard;
  return (
    <>
      <progress max={Math.max(retirable, 1)} value={stats.retired} aria-label={t('lab.progress.label')} />{' '}
      <span data-testid="workflow-progress">{t('lab.progress.summary', { retired: stats.retired, subjects: retirable, count: stats.classifications })}</span>
    </>
  );
}
