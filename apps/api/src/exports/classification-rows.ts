import { type Annotation, type SubjectLocation, type WorkflowDefinition, asksForCheck, flatAnswerOf, normaliseTag, reachableTasks, stringsOf } from '@chorus/tasks';
import type { HiddenTagsByTask } from '../tags/hidden-tags-sql';
import { type AnswerCell, type FlatRecord, type RecordOf, answerCell, answersWithList, downloadTime } from './export-format';
import { type MetadataForm, metadataCells, withMetadataColumns } from './metadata-columns';
import { WITHHELD_IN_WORDS } from './withheld-while-taken-down';

/** One classification as the export query reads it. */
export interface ClassificationRow {
  id: string;
  subject_id: string;
  external_id: string | null;
  /** The researcher's metadata of the subject, private keys included; null while it is taken down (`withheldWhileTakenDownSql`). */
  subject_metadata: Record<string, unknown> | null;
  /** The locations it was shown, when researchers have corrected them since it was stored; else null, and null while it is taken down (`withheldWhileTakenDownSql`). */
  earlier_locations: SubjectLocation[] | null;
  user_id: string;
  user_kind: string;
  /** The account's display name, for crediting volunteers; null for guests and deleted accounts. */
  user_name: string | null;
  workflow_version: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  gold_standard: boolean;
  after_retirement: boolean;
  made_in_draft: boolean;
  /** Its volunteer is excluded from the project's consensus (`excluded_volunteers`). */
  excluded_volunteer: boolean;
  /** What the classifier sent about the classifying (device, tool), as submitted. */
  classification_metadata: Record<string, unknown>;
  annotations: Annotation[];
  /** The tags moderators hid for the subject in the workflow, by task, read at the download; null when none. */
  hidden_tags: HiddenTagsByTask | null;
  /** A `since=` download of one set's tombstone: when the subject left the set (every other field but its ids and updated_at null). */
  left_subject_set_at?: Date | null;
}

/** The columns before the answers, each with what it holds (the API's documentation lists them). */
export const CLASSIFICATION_COLUMNS = {
  classification_id: "the classification's id",
  subject_id: "the subject's id",
  external_id: "the researchers' id of the subject, if it has one",
  subject_metadata: `the subject's metadata (JSON: an object), private keys (#, // or !) included; ${WITHHELD_IN_WORDS}`,
  earlier_locations:
    `the subject's locations the volunteer was shown (JSON: a list), when researchers have since corrected their addresses (the same content moved: PATCH /subjects/:id); empty when it was stored after the last correction, or there was none; ${WITHHELD_IN_WORDS}`,
  user_id: "the volunteer's id",
  user_kind: 'guest, registered or deleted: what the volunteer is now (a guest who registered later shows as registered on earlier rows too; an account deleted since, as deleted)',
  user_name: "a registered volunteer's display name, for crediting them; empty for guests and deleted accounts",
  workflow_version: 'the workflow version answered (GET /workflows/:id/versions/:n reads it, to a downloads key too)',
  created_at: 'when it was stored (ISO 8601, to the millisecond; answers stored by one statement share it)',
  updated_at: "when the row last changed: when it was stored, or later when its after_retirement flag changed (a retirement, an unretirement, a new version's rule), or when a guest's sign-in carried it into an account (its user_id changed), or when its volunteer was excluded from the project's consensus or the exclusion lifted (excluded_volunteer), or when its subject was taken down where it was nowhere in the project, or its last take-down lifted (subject_metadata, earlier_locations); since= gives such rows again",
  started_at: "when the volunteer began, by their device's clock",
  finished_at: "when they finished, by their device's clock",
  gold_standard: 'the subject has known answers (its answers are not counted toward retirement)',
  after_retirement: 'not counted: it came after the classification that retired the subject (by the rule of the version that retired it), or once the subject was retired; kept, but not in the consensus',
  made_in_draft:
    "not counted: it was made while the workflow was a draft, by a member of the project's team trying it before volunteers could; kept, but never in the consensus nor toward retirement",
  excluded_volunteer:
    "not counted: the project's researchers excluded its volunteer from the consensus (a vandal, a bot, a careless account; GET /projects/:id/excluded-volunteers says why); kept, but in neither the consensus nor retirement while the exclusion lasts",
  classification_metadata: 'what the classifier sent about the classifying (device, tool) (JSON: an object)',
  annotations: 'the whole answer (JSON: a list of {task, value}, and "unsure": true on a transcription its volunteer asked the team to check)',
  hidden_tags:
    "the tags of this answer (added, agreed or disagreed with) that a moderator or researcher hid for the subject (someone's personal data, an insult), by tagging task, as typed (JSON: an object, {\"T1\": [\"Call Dan on 07700 900123\"]}); empty when it gave none. The answer keeps them (annotations, <task>_answer): drop them on import if you must. Read at the download: hiding a tag does not change updated_at",
} as const;

/**
 * The column only a since= download of one subject set has (`setSince`: no other can fill it), after the answers
 * (before the metadata's), so that every other download keeps its columns where they were.
 */
export const CLASSIFICATION_SET_SINCE_COLUMNS = {
  left_subject_set_at:
    "only in a since= download of one subject set (subjectSetId), after every <task>_answer: when the subject left that set (taken out by a researcher or by routing, or moved to another set) and is not in it again, a row with nothing else but subject_id, external_id (kept for a deleted subject) and updated_at (the same moment): drop every classification of the subject you hold; empty on every other row. A subject back in the set has its classifications given again",
} as const;

/** The columns above that hold JSON: a value in JSON and NDJSON, its JSON text in one CSV cell. */
export const CLASSIFICATION_JSON_COLUMNS = ['subject_metadata', 'earlier_locations', 'classification_metadata', 'annotations', 'hidden_tags'] as const satisfies readonly (keyof typeof CLASSIFICATION_COLUMNS)[];

/** How a download gives a volunteer's answer to one task: the `<task>_answer` columns, and each of a volunteer's own `answers`. */
export const ANSWER_AS_FLATTENED =
  "as its task type flattens it: a choice or sense as its value, unsure for a close reading marked unsure, choices or applied tags a list, a transcription's text, a fields task's values an object by field key ({\"surname\":\"Smith\",\"born\":\"\"}, \"\" a field left blank), a marking task's marks their list in the order drawn ([{\"tool\":\"penguin\",\"x\":120,\"y\":340}], [] for none)";

/** Then one column per task of every version: `<task>_answer` (then, with metadata=columns, the metadata's). */
export const CLASSIFICATION_ANSWER_COLUMN = `the answer ${ANSWER_AS_FLATTENED}, in CSV a form's object or the marks' list as its JSON text; empty where the task was not reached`;

/**
 * Each task's columns above that hold its answer (`answerCell`): a list for a multiple choice or tagging task (in any
 * version, `answersWithList`), JSON for a fields or marking task.
 */
export const CLASSIFICATION_ANSWER_TASK_COLUMNS = ['answer'] as const;
const classificationAnswerColumnsNamed = CLASSIFICATION_ANSWER_TASK_COLUMNS.map((field) => `<task>_${field}`);

/** The raw download's columns that hold JSON, as its documentation names them. */
export const CLASSIFICATION_JSON_COLUMNS_NAMED: readonly string[] = [...CLASSIFICATION_JSON_COLUMNS, ...classificationAnswerColumnsNamed];

/** The raw download's columns that hold a list, as its documentation names them. */
export const CLASSIFICATION_LIST_COLUMNS_NAMED: readonly string[] = classificationAnswerColumnsNamed;

/** The `<task>_answer` columns that hold a list: of a task whose answer is a list in any version (`definitions`). */
export const classificationListColumns = (taskKeys: string[], definitions: WorkflowDefinition[]) =>
  taskKeys.filter((key) => definitions.some((definition) => answersWithList(definition.tasks[key]))).flatMap((key) => CLASSIFICATION_ANSWER_TASK_COLUMNS.map((field) => `${key}_${field}`));

/** After every `<task>_answer`, one column per task that is a transcription in any version: `<task>_asked_for_check`. */
export const CLASSIFICATION_ASKED_FOR_CHECK_COLUMN =
  "only for a task that is a transcription (in any version): true when the volunteer ticked \"I'm not sure: ask the team to check this\" on it (its annotation's \"unsure\": true), so that its consensus needs checking while the answer counts, false when they did not; empty where the task was not reached";

/**
 * Whether the volunteer asked the team to check each answered task of `annotations` that may ask for it in
 * `definition` (the version answered; a transcription): its annotation's `unsure` true. Tasks that cannot ask are left out.
 */
export function askedForCheck(annotations: readonly Annotation[], definition: WorkflowDefinition | undefined): Record<string, boolean> {
  const asked: Record<string, boolean> = {};
  for (const { task, unsure } of annotations) {
    const defined = definition?.tasks[task];
    if (defined && asksForCheck(defined)) asked[task] = unsure === true;
  }
  return asked;
}

/** The tasks, of `taskKeys`, that are a transcription (a task a volunteer may ask the team to check) in any version. */
const tasksAskingForCheck = (taskKeys: string[], definitions: WorkflowDefinition[]) =>
  taskKeys.filter((key) => definitions.some((definition) => definition.tasks[key] && asksForCheck(definition.tasks[key])));

/**
 * The download's columns: `CLASSIFICATION_COLUMNS`, the answers, the transcriptions' `<task>_asked_for_check`, in a
 * since= download of one set (`setSince`) `CLASSIFICATION_SET_SINCE_COLUMNS`, then the metadata's.
 */
export const classificationColumns = (taskKeys: string[], definitions: WorkflowDefinition[], metadata: MetadataForm, setSince = false) =>
  withMetadataColumns(
    [
      ...Object.keys(CLASSIFICATION_COLUMNS),
      ...taskKeys.map((task) => `${task}_answer`),
      ...tasksAskingForCheck(taskKeys, definitions).map((task) => `${task}_asked_for_check`),
      ...(setSince ? Object.keys(CLASSIFICATION_SET_SINCE_COLUMNS) : []),
    ],
    metadata,
  );

/**
 * The answer columns of a workflow's export: every task key of every version, given newest first, so that the
 * current version's tasks come first, in its order, then those only older versions had.
 */
export function taskKeysOf(definitions: WorkflowDefinition[]): string[] {
  // Each version's tasks in the order its volunteers meet them: a stored definition's keys are in jsonb's order.
  return [...new Set(definitions.flatMap((definition) => reachableTasks(definition)))];
}

/**
 * One flat record per classification. Each `<task>_answer` is the answer as its version's task type flattens it
 * (null where the volunteer did not reach the task); `annotations` holds the whole answer, a list; `metadata`, how the
 * subject's metadata is given; `definition`, the version answered (none on a set's tombstone, `setTombstone`);
 * `setSince`, a since= download of one set (`CLASSIFICATION_SET_SINCE_COLUMNS`).
 */
export function flattenClassification(row: ClassificationRow, definition: WorkflowDefinition | undefined, taskKeys: string[], metadata: MetadataForm, setSince = false): FlatRecord {
  if (row.left_subject_set_at) return setTombstone(row, row.left_subject_set_at, taskKeys, metadata);
  const fixed: RecordOf<Exclude<keyof typeof CLASSIFICATION_COLUMNS, 'subject_metadata'>, (typeof CLASSIFICATION_JSON_COLUMNS)[number]> = {
    classification_id: row.id,
    subject_id: row.subject_id,
    external_id: row.external_id,
    earlier_locations: row.earlier_locations,
    user_id: row.user_id,
    user_kind: row.user_kind,
    user_name: row.user_name,
    workflow_version: row.workflow_version,
    created_at: downloadTime(row.created_at),
    updated_at: downloadTime(row.updated_at),
    started_at: downloadTime(row.started_at),
    finished_at: downloadTime(row.finished_at),
    gold_standard: row.gold_standard,
    after_retirement: row.after_retirement,
    made_in_draft: row.made_in_draft,
    excluded_volunteer: row.excluded_volunteer,
    classification_metadata: row.classification_metadata,
    annotations: row.annotations,
    hidden_tags: hiddenTagsOfAnswer(row.annotations, row.hidden_tags),
  };
  const record: FlatRecord = { ...fixed, ...metadataCells(row.subject_metadata, metadata) };
  const answers = flatAnswers(row.annotations, definition!, taskKeys);
  for (const key of taskKeys) record[`${key}_answer`] = answers[key] ?? null;
  // Only a transcription task's is a column (`classificationColumns`): empty where the version answered asks none.
  for (const [task, asked] of Object.entries(askedForCheck(row.annotations, definition))) record[`${task}_asked_for_check`] = asked;
  const setLast: RecordOf<keyof typeof CLASSIFICATION_SET_SINCE_COLUMNS, never> = { left_subject_set_at: null };
  return setSince ? Object.assign(record, setLast) : record;
}

/** The row of a subject that left the set a since= download is limited to: its ids and when (`left`), every other column empty
 * (the transcriptions' `<task>_asked_for_check`, not named here, are written empty too). */
function setTombstone(row: ClassificationRow, left: Date, taskKeys: string[], metadata: MetadataForm): FlatRecord {
  const record: FlatRecord = Object.fromEntries(classificationColumns(taskKeys, [], metadata, true).map((column) => [column, null]));
  const leftAt = downloadTime(left);
  return { ...record, subject_id: row.subject_id, external_id: row.external_id, updated_at: leftAt, left_subject_set_at: leftAt };
}

/**
 * Each of `taskKeys`' answers in `annotations` as its task type in `definition` (the version answered) flattens it
 * (`CLASSIFICATION_ANSWER_COLUMN`), by task key; a task not reached, or not in that version, has none.
 */
export function flatAnswers(annotations: Annotation[], definition: WorkflowDefinition, taskKeys: readonly string[]): Record<string, AnswerCell> {
  const answers = new Map(annotations.map((annotation) => [annotation.task, annotation.value]));
  const flat: Record<string, AnswerCell> = {};
  for (const key of taskKeys) {
    const task = definition.tasks[key];
    if (task && answers.has(key)) flat[key] = answerCell(task, flatAnswerOf(task, answers.get(key)));
  }
  return flat;
}

/** The tags of the answer, as typed, that are hidden for its subject, by task; null when none is. */
function hiddenTagsOfAnswer(annotations: Annotation[], hidden: HiddenTagsByTask | null): HiddenTagsByTask | null {
  if (!hidden) return null;
  const found: HiddenTagsByTask = {};
  for (const { task, value } of annotations) {
    const hiddenInTask = new Set(hidden[task] ?? []);
    if (!hiddenInTask.size || typeof value !== 'object' || value === null) continue;
    const lists = value as Record<string, unknown>;
    const tags = [...new Set(['add', 'up', 'down'].flatMap((list) => stringsOf(lists[list])))].filter((tag) => hiddenInTask.has(normaliseTag(tag)));
    if (tags.length) found[task] = tags;
  }
  return Object.keys(found).length ? found : null;
}

/** A workflow version's definition, by `<workflow id>/<version>`. */
export type DefinitionsByVersion = ReadonlyMap<string, WorkflowDefinition>;
const versionKey = (workflowId: string, version: number) => `${workflowId}/${version}`;

/** A version of a workflow as a download reads it, to flatten the answers given to it. */
export interface VersionRead {
  workflow_id: string;
  version: number;
  definition: WorkflowDefinition;
}

/** The versions read, by version (`versionKey`). */
export const definitionsByVersion = (versions: readonly VersionRead[]): DefinitionsByVersion => new Map(versions.map(({ workflow_id, version, definition }) => [versionKey(workflow_id, version), definition]));

/** The definition of the version of `workflowId` a classification answered, if read. */
export const definitionOf = (definitions: DefinitionsByVersion, workflowId: string, version: number) => definitions.get(versionKey(workflowId, version));

/** A row of a project's download (`GET /projects/:id/classifications`): a workflow's, with which workflow it is of. */
export interface ProjectClassificationRow extends ClassificationRow {
  workflow_id: string;
  workflow_name: string;
}

/** The project download's columns of its own, before `workflow_version` (the API's documentation and the README list them). */
export const PROJECT_CLASSIFICATION_COLUMNS = {
  workflow_id: "the workflow's id: the rows come workflow by workflow, in the order of their ids",
  workflow_name: "the workflow's name, as it is now",
} as const;

/**
 * The project download's columns: the workflow download's (`classificationColumns`), of every task key of every
 * workflow (`taskKeys`, a key two workflows share one column), with `PROJECT_CLASSIFICATION_COLUMNS` before `workflow_version`.
 */
export function projectClassificationColumns(taskKeys: string[], definitions: WorkflowDefinition[], metadata: MetadataForm): string[] {
  const columns = classificationColumns(taskKeys, definitions, metadata);
  const at = columns.indexOf('workflow_version');
  return [...columns.slice(0, at), ...Object.keys(PROJECT_CLASSIFICATION_COLUMNS), ...columns.slice(at)];
}

/** A row of the project's download: flattened as the workflow download flattens it, by the version it answered (`definitions`). */
export function flattenProjectClassification(row: ProjectClassificationRow, definitions: DefinitionsByVersion, taskKeys: string[], metadata: MetadataForm): FlatRecord {
  const workflow: RecordOf<keyof typeof PROJECT_CLASSIFICATION_COLUMNS, never> = { workflow_id: row.workflow_id, workflow_name: row.workflow_name };
  return { ...flattenClassification(row, definitionOf(definitions, row.workflow_id, row.workflow_version), taskKeys, metadata), ...workflow };
}
