import { useTranslation } from 'react-i18next';
import { Link, labResultsPath } from '../../lib/router';

/** The way to the workflow's results, read subject by subject (`LabResultsPage`). */
export function WorkflowResultsSection({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  return (
    <section className="lab-section" aria-labelledby="lab-results-heading">
      <h2 id="lab-results-heading">{t('lab.results.title')}</h2>
      <p>{t('lab.results.linkLead')}</p>
      <p>
        <Link to={labResultsPath(workflowId)} data-testid="lab-results-link">
          {t('lab.results.link')}
        </Link>
      </p>
    </section>
  );
}
