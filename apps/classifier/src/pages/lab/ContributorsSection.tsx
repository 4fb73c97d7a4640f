import type { ProjectView } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useClient } from '../../lib/clientContext';
import { useLoaded } from '../../lib/useLoaded';
import { useFollowedDownload } from '../../lib/useFollowedDownload';

const FORMATS = ['csv', 'json'] as const;

/**
 * The volunteers to credit in the project's publications (researchers): how many agreed to be named and how many others
 * helped (two numbers, not a download), and the list to download. Each save asks for a new link and follows it, so no
 * link goes stale here.
 */
export function ContributorsSection({ project }: { project: ProjectView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data, problem } = useLoaded(() => client.contributorSummary(project.id), [client, project.id]);
  const { started, problem: saveProblem, save: follow } = useFollowedDownload();
  const save = (format: (typeof FORMATS)[number]) =>
    follow(async () => `${(await client.contributorsDownloadLink(project.id)).url}&${new URLSearchParams({ format })}`, (t) => t('lab.contributors.started', { format: t(`lab.downloads.formats.${format}`) }));
  return (
    <section className="lab-section" aria-labelledby="lab-contributors-heading" data-testid="lab-contributors">
      <h2 id="lab-contributors-heading">{t('lab.contributors.title')}</h2>
      <p>{t('lab.contributors.lead')}</p>
      <ErrorAlert problem={problem ?? saveProblem} />
      {data && (
        <p data-testid="lab-contributors-count">
          {t('lab.contributors.named', { count: data.named })} {t('lab.contributors.others', { count: data.otherVolunteers })}
        </p>
      )}
      <p className="button-row">
        <button type="button" className="button button-secondary" onClick={() => void save('csv')}>
          {t('lab.contributors.downloadCsv')}
        </button>{' '}
        <button type="button" className="button button-secondary" onClick={() => void save('json')}>
          {t('lab.contributors.downloadJson')}
        </button>
      </p>
      <p role="status" aria-live="polite">
        {started}
      </p>
    </section>
  );
}
