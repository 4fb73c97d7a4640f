import type { ProjectView } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { Link, readSetPath } from '../lib/router';
import { researchersWords } from '../lib/textLanguage';
import { useLoaded } from '../lib/useLoaded';

/**
 * Every subject set of a project that publishes its results that reads as a document, each a link to its read page
 * ("Read “Letter 7”"), whether volunteers may choose it or not, in a finished project too; with the workflow that gives
 * its text where several do. Nothing while they load, if they fail to (the rest of the page matters more), or for none.
 */
export function ReadableSets({ project }: { project: Pick<ProjectView, 'id' | 'slug' | 'language'> }) {
  const { t } = useTranslation();
  const client = useClient();
  const { data } = useLoaded(() => client.readableSets(project.id), [client, project.id]);
  if (!data?.sets.length) return null;
  const severalWorkflows = new Set(data.sets.map((set) => set.workflowId)).size > 1;
  return (
    <section className="readable-sets" aria-labelledby="readable-sets-heading" data-testid="readable-sets">
      <h2 id="readable-sets-heading">{t('project.readSets')}</h2>
      <ul>
        {data.sets.map((set) => (
          <li key={`${set.workflowId}:${set.subjectSetId}`}>
            <Link to={readSetPath(project.slug, set.subjectSetId, set.workflowId)}>
              {t('home.readSetNamed', { set: set.name })}
            </Link>
            {severalWorkflows && (
              <>
                {' '}
                <span className="muted" {...researchersWords(project.language)}>
                  {set.workflowName}
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
