import type { ProjectView, ReadableSets as ReadableSetList } from '@chorus/client';
import { useTranslation } from 'react-i18next';
import { useClient } from '../lib/clientContext';
import { Link, readSetPath } from '../lib/router';
import { useLoaded } from '../lib/useLoaded';

/** A subject set that reads as a document, with the workflow that gives its text. */
export type ReadableSet = ReadableSetList['sets'][number];

/**
 * The project's subject sets that read as a document (`GET /projects/:id/readable-sets`): the one answer every Read
 * link of its page follows. None while they load, if they fail to (the rest of the page matters more), or while the
 * project does not publish its results.
 */
export function useReadableSets(project: Pick<ProjectView, 'id' | 'resultsPublic'>): ReadableSet[] {
  const client = useClient();
  const { data } = useLoaded(() => (project.resultsPublic ? client.readableSets(project.id) : Promise.resolve(null)), [client, project.id, project.resultsPublic]);
  return data?.sets ?? [];
}

/** Whether `sets` has set `subjectSetId` read in workflow `workflowId`. */
export const readsAs = (sets: readonly ReadableSet[], subjectSetId: string, workflowId: string) => sets.some((set) => set.subjectSetId === subjectSetId && set.workflowId === workflowId);

/**
 * Every subject set of the project that reads as a document (`sets`, from `useReadableSets`), each a link to its read
 * page ("Read “Letter 7”"), whether volunteers may choose it or not, in a finished project too; named with the workflow
 * that gives its text where several workflows do. Nothing for none.
 */
export function ReadableSets({ project, sets }: { project: Pick<ProjectView, 'slug'>; sets: readonly ReadableSet[] }) {
  const { t } = useTranslation();
  if (!sets.length) return null;
  const severalWorkflows = new Set(sets.map((set) => set.workflowId)).size > 1;
  return (
    <section className="readable-sets" aria-labelledby="readable-sets-heading" data-testid="readable-sets">
      <h2 id="readable-sets-heading">{t('project.readSets')}</h2>
      <ul>
        {sets.map((set) => (
          <li key={`${set.workflowId}:${set.subjectSetId}`}>
            <Link to={readSetPath(project.slug, set.subjectSetId, set.workflowId)}>
              {severalWorkflows ? t('project.readSetOfWorkflow', { set: set.name, workflow: set.workflowName }) : t('home.readSetNamed', { set: set.name })}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
