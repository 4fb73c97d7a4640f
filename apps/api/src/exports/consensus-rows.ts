import { TASK_COLUMN_FIELDS, type Task, type TaskColumnField } from '@chorus/tasks';
import { flatKnownAnswer } from '../classifications/gold-feedback';
import type { StoredTaskConsensus } from '../common/stored-consensus';
import type { FlatRecord } from './export-format';

export interface ConsensusRow {
  subject_id: string;
  external_id: string | null;
  /** The researcher's metadata of the subject, private keys (`#`, `!`) included: downloads are for researchers. */
  subject_metadata: Record<string, unknown>;
  /** It has known answers: served to learn volunteers' skill (and to train them), never retired. */
  gold_standard: boolean;
  /** Its known answers per task key, as uploaded; null for a regular subject. */
  known_answers: Record<string, unknown> | null;
  /** It is in the workflow's training set, served to newcomers first. */
  training: boolean;
  /** The subject sets it is in, oldest first, joined with ";". */
  subject_set_ids: string | null;
  priority: number;
  retired_at: Date | null;
  retirement_reason: string | null;
  /** Why a researcher retired it by hand, in their words. */
  retirement_note: string | null;
  /** Why a researcher returned it to the queue by hand, in their words, until it retires again. */
  unretirement_note: string | null;
  /** The classification whose arrival met the retirement rule; null for other retirements. */
  retired_by_classification_id: string | null;
  classification_count: number;
  /** When the subject's row last changed: a classification, a consensus or retirement that changed, a new priority. */
  updated_at: Date;
  /** The workflow version the consensus was computed with; null before the subject's first aggregation. */
  workflow_version: number | null;
  /** Per task: the consensus, the algorithm that reached it, and its whole result (how the votes split, and more). */
  tasks: Record<string, StoredTaskConsensus>;
}

/** The subject's columns, each with what it holds (the API's documentation lists them). */
export const CONSENSUS_COLUMNS = {
  subject_id: "the subject's id",
  external_id: "the researchers' id of the subject, if it has one",
  subject_metadata: "the subject's metadata as one JSON cell, private keys (# or !) included",
  gold_standard: 'the subject has known answers, so its rule never retires it',
  training: "the subject is in the workflow's training set",
  subject_set_ids: "the subject sets it is in, oldest first, joined with ';' (GET /projects/:id/subject-sets names them)",
  priority: 'its priority in the workflow (lowest served first under the priority order; 0 unless given)',
  retired: 'whether the subject is retired',
  retired_at: 'when it was retired (ISO 8601)',
  retirement_reason: 'count, agreement or posterior (the rule that retired it), maximum (its most classifications reached), manual or unlinked',
  retirement_note: "the researcher's words, for a subject retired by hand",
  unretirement_note: "the researcher's words, for a subject they returned to the queue by hand (until it retires again)",
  retired_by_classification_id: 'the classification whose arrival met the rule',
  classification_count: "classifications stored for the subject, those after its retirement included",
  workflow_version: "the newest workflow version any of the subject's consensus was computed with",
  updated_at: "when the subject's row last changed (a classification, an aggregation that changed its consensus, a retirement, a new priority): what since= compares (ISO 8601)",
} as const;

/** The columns of each task (`<task>_<field>`), after the subject's: the answer, its agreement and votes, then how it was reached. */
export const CONSENSUS_TASK_COLUMNS = {
  answer: "the consensus answer, flattened as the raw download's answers are (choices and tags joined with ';'); empty without one",
  agreement: 'the share of the counted volunteers who gave exactly that answer (a transcription: its alignment score)',
  votes: 'how many counted classifications answered the task',
  algorithm: 'plurality-vote, bayesian-confusion, binary-vote-per-answer, word-alignment-vote, sense-vote or tag-majority',
  workflow_version: "the workflow version the task's consensus was computed with (a task that later versions dropped keeps the consensus computed before)",
  known_answer:
    "a gold-standard subject's known answer, flattened as the answer column is, to compare with it (and with the raw download's answers); empty when the subject has none for the task, or one the task cannot take",
  result:
    "the algorithm's whole output as one JSON cell: a single choice's counts, leaders and posterior; each choice's votes, share and " +
    "probability; a transcription's text, lines of aligned words (each with agreement, variants and the text tags kept; a word that some added where most " +
    'have none is there with word "" and what they wrote in variants), score and lowConsensus (true: ' +
    "worth a review); a close reading's counts, leaders, unsure share and evidence spans; each tag's up and down votes and share",
} as const satisfies Record<TaskColumnField, string>;

/**
 * One flat record per subject: no nested JSON, one column per task field, the same columns in every format. `tasks`
 * holds each task key's definition in the newest version that has it.
 */
export function flatten(row: ConsensusRow, tasks: ReadonlyMap<string, Task>): FlatRecord {
  const subject: Record<keyof typeof CONSENSUS_COLUMNS, FlatRecord[string]> = {
    subject_id: row.subject_id,
    external_id: row.external_id,
    subject_metadata: JSON.stringify(row.subject_metadata),
    gold_standard: row.gold_standard,
    training: row.training,
    subject_set_ids: row.subject_set_ids,
    priority: row.priority,
    retired: row.retired_at !== null,
    retired_at: row.retired_at ? new Date(row.retired_at).toISOString() : null,
    retirement_reason: row.retirement_reason,
    retirement_note: row.retirement_note,
    unretirement_note: row.unretirement_note,
    retired_by_classification_id: row.retired_by_classification_id,
    classification_count: row.classification_count,
    workflow_version: row.workflow_version,
    updated_at: new Date(row.updated_at).toISOString(),
  };
  const record: FlatRecord = { ...subject };
  for (const [task, definition] of tasks) {
    const result = row.tasks[task];
    const known = row.known_answers && Object.hasOwn(row.known_answers, task) ? row.known_answers[task] : undefined;
    record[`${task}_answer`] = result?.answer ?? null;
    record[`${task}_agreement`] = result?.agreement ?? null;
    record[`${task}_votes`] = result?.votes ?? 0;
    record[`${task}_algorithm`] = result?.algorithm ?? null;
    record[`${task}_workflow_version`] = result?.workflow_version ?? null;
    record[`${task}_known_answer`] = known === undefined ? null : flatKnownAnswer(definition, known);
    record[`${task}_result`] = result ? JSON.stringify(result.result) : null;
  }
  return record;
}

export function columnsOf(taskKeys: Iterable<string>): string[] {
  return [...Object.keys(CONSENSUS_COLUMNS), ...[...taskKeys].flatMap((task) => TASK_COLUMN_FIELDS.map((field) => `${task}_${field}`))];
}
