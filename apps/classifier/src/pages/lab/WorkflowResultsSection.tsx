import { Trans, useTranslation } from 'react-i18next';
import { useClient } from '../../lib/clientContext';
import { Link, labResultsPath } from '../../lib/router';
import { useLoaded } from '../../lib/useLoaded';

/** The most subjects decided against most votes counted here: one page of the results; beyond it, "more than". */
const AGAINST_COUNTED_AT_MOST = 100;

/** The way to the workflow's results, read subject by subject (`LabResultsPage`), and a warning of the subjects decided against most votes. */
export function WorkflowResultsSection({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  return (
    <section className="lab-section" aria-labelledby="lab-results-heading">
      <h2 id="lab-results-heading">{t('lab.results.title')}</h2>
      <p>{t('lab.results.linkLead')}</p>
      <AgainstMostVotesWarning workflowId={workflowId} />
      <p>
        <Link to={labResultsPath(workflowId)} data-testid="lab-results-link">
          {t('lab.results.link')}
        </Link>
      </p>
    </section>
  );
}

/**
 * How many subjects have a consensus that most of their volunteers did not give (under bayes, the volunteers' learned
 * skills outweighed more votes: the evaluation in bench/README.md keeps that over a plurality vote), with a link to
 * them in the results; nothing when none has. Only a warning: if the count cannot be read, the link below still leads there.
 */
function AgainstMostVotesWarning({ workflowId }: { workflowId: string }) {
  const client = useClient();
  const { data } = useLoaded(() => client.subjectResults(workflowId, { againstPlurality: true, limit: AGAINST_COUNTED_AT_MOST }), [client, workflowId]);
  if (!data?.subjects.length) return null;
  const count = data.subjects.length;
  const see = <Link to={labResultsPath(workflowId, { againstPlurality: 'true' })} />;
  return (
    <p className="notice" data-testid="lab-against-most-votes">
      {data.next ? (
        <Trans i18nKey="lab.results.againstMostVotesMany" values={{ count }} components={{ see }} />
      ) : (
        <Trans i18nKey="lab.results.againstMostVotesCount" values={{ count }} count={count} components={{ see }} />
      )}
    </p>
  );
}
