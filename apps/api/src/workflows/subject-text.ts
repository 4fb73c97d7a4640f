import { isUnlinked } from '@chorus/db';
import type { FieldError, WorkflowDefinition } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';
import { validationFailed } from '../common/problem';

/** The transcription tasks whose editor starts from the subject's text (`startFrom`). */
const correctingTasks = (definition: WorkflowDefinition): string[] =>
  Object.entries(definition.tasks).flatMap(([key, task]) => (task.type === 'transcription' && task.startFrom !== undefined ? [key] : []));

/**
 * The workflow's subjects, and those without text. A subject has text when one of its locations is a text (what
 * `subjectText` takes the first of), asked of Postgres by containment so that no location is read out.
 */
const SUBJECTS_WITHOUT_TEXT = `
  SELECT count(*)::int AS subjects,
         count(*) FILTER (WHERE NOT s.locations @> '[{"type":"text"}]')::int AS without,
         min(coalesce(s.external_id, s.id::text)) FILTER (WHERE NOT s.locations @> '[{"type":"text"}]') AS example
  FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id
  WHERE st.workflow_id = $1 AND NOT ${isUnlinked('st')}`;

/**
 * A transcription that starts from the subject's text needs subjects that have one: a workflow whose subjects have
 * none (images alone) is refused, naming each such task's `startFrom`; one some of whose subjects have none is saved
 * with a warning, as those subjects open with an empty editor. A workflow without subjects yet is checked when its
 * sets are linked.
 */
export async function subjectTextWarnings(manager: EntityManager, workflowId: string, definition: WorkflowDefinition): Promise<FieldError[]> {
  const keys = correctingTasks(definition);
  if (!keys.length) return [];
  const [{ subjects, without, example }]: { subjects: number; without: number; example: string | null }[] = await manager.query(SUBJECTS_WITHOUT_TEXT, [workflowId]);
  if (!without) return [];
  const pointers = keys.map((key) => `/tasks/${key}/startFrom`);
  if (without === subjects) {
    throw validationFailed(
      pointers.map((pointer) => ({
        pointer,
        message: `starts the editor from the subject's text, but ${subjects === 1 ? "the workflow's subject has no text" : `none of the workflow's ${subjects} subjects has text`} (a location of type "text", or a CSV's text column), only images or sounds: upload the text to correct (such as a page's OCR) with the subjects, or leave startFrom out for an empty editor`,
      })),
    );
  }
  return pointers.map((pointer) => ({
    pointer,
    message: `starts the editor from the subject's text, but ${without} of the workflow's ${subjects} subjects ${without === 1 ? 'has' : 'have'} none (such as ${example}): volunteers type ${without === 1 ? 'it' : 'those'} from an empty editor`,
  }));
}
