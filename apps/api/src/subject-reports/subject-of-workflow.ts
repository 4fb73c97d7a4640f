import type { SubjectLocation } from '@chorus/tasks';
import type { DataSource } from 'typeorm';
import { validationFailed } from '../common/problem';

/** The locations of a subject of the workflow, which a volunteer names at `/subjectId`; a 422 there when it names none. */
export async function subjectLocationsIn(db: DataSource, workflowId: string, subjectId: string): Promise<SubjectLocation[]> {
  const [found] = await db.query<{ locations: SubjectLocation[] }[]>(
    'SELECT s.locations FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND st.subject_id = $2',
    [workflowId, subjectId],
  );
  if (!found) throw validationFailed([{ pointer: '/subjectId', message: 'names no subject of this workflow' }]);
  return found.locations;
}
