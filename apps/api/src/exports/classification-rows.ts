import { type Annotation, type WorkflowDefinition, flatAnswerOf, reachableTasks } from '@chorus/tasks';
import type { FlatRecord } from './export-format';

/** One classification as the export query reads it. */
export interface ClassificationRow {
  id: string;
  subject_id: string;
  external_id: string | null;
  /** The researcher's metadata of the subject, private keys included. */
  subject_metadata: Record<string, unknown>;
  user_id: string;
  user_kind: string;
  /** The account's display name, for crediting volunteers; null for guests. */
  user_name: string | null;
  workflow_version: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  gold_standard: boolean;
  after_retirement: boolean;
  /** What the classifier sent about the classifying (device, tool), as submitted. */
  classification_metadata: Record<string, unknown>;
  annotations: Annotation[];
}

const FIXED_COLUMNS = [
  'classification_id',
  'subject_id',
  'external_id',
  'subject_metadata',
  'user_id',
  'user_kind',
  'user_name',
  'workflow_version',
  'created_at',
  'started_at',
  'finished_at',
  'gold_standard',
  'after_retirement',
  'classification_metadata',
  'annotations',
];

export const classificationColumns = (taskKeys: string[]) => [...FIXED_COLUMNS, ...taskKeys.map((task) => `${task}_answer`)];

/**
 * The answer columns of a workflow's export: every task key of every version, given newest first, so that the
 * current version's tasks come first, in its order, then those only older versions had.
 */
export function taskKeysOf(definitions: WorkflowDefinition[]): string[] {
  // Each version's tasks in the order its volunteers meet them: a stored definition's keys are in jsonb's order.
  return [...new Set(definitions.flatMap(reachableTasks))];
}

const isoOrNull = (date: Date | null) => (date ? new Date(date).toISOString() : null);

/**
 * One flat record per classification. Each `<task>_answer` is the answer as its version's task type flattens it
 * (null where the volunteer did not reach the task); `annotations` holds the whole answer as JSON.
 */
export function flattenClassification(row: ClassificationRow, definition: WorkflowDefinition, taskKeys: string[]): FlatRecord {
  const record: FlatRecord = {
    classification_id: row.id,
    subject_id: row.subject_id,
    external_id: row.external_id,
    subject_metadata: JSON.stringify(row.subject_metadata),
    user_id: row.user_id,
    user_kind: row.user_kind,
    user_name: row.user_name,
    workflow_version: row.workflow_version,
    created_at: isoOrNull(row.created_at),
    started_at: isoOrNull(row.started_at),
    finished_at: isoOrNull(row.finished_at),
    gold_standard: row.gold_standard,
    after_retirement: row.after_retirement,
    classification_metadata: JSON.stringify(row.classification_metadata),
    annotations: JSON.stringify(row.annotations),
  };
  const answers = new Map(row.annotations.map((annotation) => [annotation.task, annotation.value]));
  for (const key of taskKeys) {
    const task = definition.tasks[key];
    record[`${key}_answer`] = task && answers.has(key) ? flatAnswerOf(task, answers.get(key)) : null;
  }
  return record;
}
