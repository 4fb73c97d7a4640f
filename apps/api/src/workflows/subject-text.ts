import { isUnlinked } from '@chorus/db';
import { type FieldError, type WorkflowDefinition, correctingTasks } from '@chorus/tasks';
import type { EntityManager } from 'typeorm';
import { validationFailed } from '../common/problem';

/** The workflow's linked subjects ($1), from the hot rows. */
const LINKED_SUBJECTS = `FROM subject_workflow_status st JOIN subjects s ON s.id = st.subject_id WHERE st.workflow_id = $1 AND NOT ${isUnlinked('st')}`;

/**
 * Whether a subject has text: one of its locations is a text (what `subjectText` takes the first of), asked of Postgres
 * by containment so that no location is read out.
 */
const HAS_TEXT = `s.locations @> '[{"type":"text"}]'`;

/** One of the workflow's subjects without text, if any: all the check asks of a workflow whose subjects all have text. */
const ONE_WITHOUT_TEXT = `SELECT coalesce(s.external_id, s.id::text) AS example ${LINKED_SUBJECTS} AND NOT ${HAS_TEXT} LIMIT 1`;

/** The workflow's subjects, and those without text: counted only when some lack it, for the refusal or warning. */
const SUBJECTS_WITHOUT_TEXT = `SELECT count(*)::int AS subjects, count(*) FILTER (WHERE NOT ${HAS_TEXT})::int AS without ${LINKED_SUBJECTS}`;

/** Whether two lists of subject set ids name the same sets, in any order. */
export const sameSetIds = (before: string[], after: string[]): boolean => before.length === after.length && before.every((id) => after.includes(id));

/**
 * Whether a save changes what the text check found: it makes a task start from the subject's text that did not, or
 * changes the linked sets. Another save (a rename) is not checked again, as the check reads every subject under the
 * workflow's lock, which holds up classifications.
 */
export function needsTextCheck(before: WorkflowDefinition, after: WorkflowDefinition, linkedBefore: string[], linkedAfter: string[]): boolean {
  const startedBefore = new Set(correctingTasks(before));
  return !sameSetIds(linkedBefore, linkedAfter) || correctingTasks(after).some((key) => !startedBefore.has(key));
}

/**
 * A transcription that starts from the subject's text needs subjects that have one: a workflow whose subjects have
 * none (images alone) is refused, naming each such task's `startFrom`; one some of whose subjects have none is saved
 * with a warning, as those subjects open with an empty editor. A workflow without subjects yet is checked when its
 * sets are linked (`needsTextCheck`).
 */
export async function subjectTextWarnings(manager: EntityManager, workflowId: string, definition: WorkflowDefinition): Promise<FieldError[]> {
  const keys = correctingTasks(definition);
  if (!keys.length) return [];
  const [lacking]: { example: string }[] = await manager.query(ONE_WITHOUT_TEXT, [workflowId]);
  if (!lacking) return [];
  const { example } = lacking;
  const [{ subjects, without }]: { subjects: number; without: number }[] = await manager.query(SUBJECTS_WITHOUT_TEXT, [workflowId]);
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
