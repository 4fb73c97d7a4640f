import type { ReaggregationRecord } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LabTable } from '../../components/LabTable';
import { useClient } from '../../lib/clientContext';
import { runsShown } from '../../lib/reaggregationRuns';
import { useLoaded } from '../../lib/useLoaded';
import { whenInWords } from '../../lib/formats';

/** Researchers' runs shown at most, the latest first (with Chorus's own latest). */
const RUNS_SHOWN = 10;

/**
 * The workflow's latest re-aggregations (`GET /workflows/:id/reaggregations`, `runsShown`): when and by whom each was
 * asked for (or Chorus itself), what it covers, how it stands, and the subjects it recomputed. Read again with `refreshed`.
 */
export function ReaggregationRuns({ workflowId, refreshed }: { workflowId: string; refreshed: number }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.reaggregations(workflowId), [client, workflowId, refreshed]);
  const runs = data ? runsShown(data.runs, RUNS_SHOWN) : [];
  const outcome = (run: ReaggregationRecord) => {
    if (run.state === 'completed') return t('lab.runs.completed', { count: run.subjects ?? 0 }) + (run.routedOut ? t('lab.runs.routedOut', { count: run.routedOut }) : '');
    if (run.state === 'failed') return t('lab.runs.failed', { reason: run.failedReason ?? '' });
    if (run.state === 'lost') return run.replacedBy ? t('lab.runs.lost.replaced') : run.scope === 'all' ? t('lab.runs.lost.all') : t('lab.runs.lost.unretired');
    if (run.progress) return t('lab.runs.progress', { done: run.progress.done, total: run.progress.total });
    return t(`lab.runs.state.${run.state}`);
  };
  return (
    <>
      <h3 id="lab-runs-heading">{t('lab.runs.title')}</h3>
      <ErrorAlert problem={problem} quiet />
      {data && runs.length === 0 && <p>{t('lab.runs.none')}</p>}
      {runs.length > 0 && (
        <LabTable data-testid="lab-runs" aria-labelledby="lab-runs-heading">
          <thead>
            <tr>
              <th scope="col">{t('lab.runs.requested')}</th>
              <th scope="col">{t('lab.runs.by')}</th>
              <th scope="col">{t('lab.runs.scope')}</th>
              <th scope="col">{t('lab.runs.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td>{whenInWords(run.requestedAt)}</td>
                <td>{run.requestedBy?.displayName ?? (run.reason === 'completion' ? t('lab.runs.onCompletion') : t('lab.runs.chorus'))}</td>
                <td>{t(`lab.runs.scopes.${run.scope}`)}</td>
                <td>{outcome(run)}</td>
              </tr>
            ))}
          </tbody>
        </LabTable>
      )}
    </>
  );
}
