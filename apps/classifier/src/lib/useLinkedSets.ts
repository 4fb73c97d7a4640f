import type { SubjectSetSummary, WorkflowView } from '@chorus/client';
import { useClient } from './clientContext';
import { useLoaded } from './useLoaded';

/** The project's subject sets that the workflow serves (linked to it), as the project lists them; none until they are read. */
export function useLinkedSets(workflow: Pick<WorkflowView, 'projectId' | 'subjectSetIds'>): SubjectSetSummary[] {
  const client = useClient();
  const { data } = useLoaded(() => client.subjectSets(workflow.projectId), [client, workflow.projectId]);
  return (data?.subjectSets ?? []).filter((set) => workflow.subjectSetIds.includes(set.id));
}
