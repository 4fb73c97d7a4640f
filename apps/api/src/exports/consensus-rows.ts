import type { FlatRecord } from './export-format';

export interface ConsensusRow {
  subject_id: string;
  external_id: string | null;
  /** The researcher's metadata of the subject, private keys (`#`, `!`) included: downloads are for researchers. */
  subject_metadata: Record<string, unknown>;
  /** It has known answers: served to learn volunteers' skill (and to train them), never retired. */
  gold_standard: boolean;
  /** It is in the workflow's training set, served to newcomers first. */
  training: boolean;
  retired_at: Date | null;
  retirement_reason: string | null;
  /** Why a researcher retired it by hand, in their words. */
  retirement_note: string | null;
  /** The classification whose arrival met the retirement rule; null for other retirements. */
  retired_by_classification_id: string | null;
  classification_count: number;
  /** The workflow version the consensus was computed with; null before the subject's first aggregation. */
  workflow_version: number | null;
  /** Per task: the consensus, the algorithm that reached it, and its whole result (how the votes split, and more). */
  tasks: Record<string, { answer: string | null; agreement: number | null; votes: number; algorithm: string; result: Record<string, unknown> }>;
}

/** The columns of each task, after the subject's: the answer, its agreement and votes, then how it was reached. */
const TASK_FIELDS = ['answer', 'agreement', 'votes', 'algorithm', 'result'] as const;

/** One flat record per subject: no nested JSON, one column per task field, the same columns in every format. */
export function flatten(row: ConsensusRow, taskKeys: string[]): FlatRecord {
  const record: FlatRecord = {
    subject_id: row.subject_id,
    external_id: row.external_id,
    subject_metadata: JSON.stringify(row.subject_metadata),
    gold_standard: row.gold_standard,
    training: row.training,
    retired: row.retired_at !== null,
    retired_at: row.retired_at ? new Date(row.retired_at).toISOString() : null,
    retirement_reason: row.retirement_reason,
    retirement_note: row.retirement_note,
    retired_by_classification_id: row.retired_by_classification_id,
    classification_count: row.classification_count,
    workflow_version: row.workflow_version,
  };
  for (const task of taskKeys) {
    const result = row.tasks[task];
    record[`${task}_answer`] = result?.answer ?? null;
    record[`${task}_agreement`] = result?.agreement ?? null;
    record[`${task}_votes`] = result?.votes ?? 0;
    record[`${task}_algorithm`] = result?.algorithm ?? null;
    record[`${task}_result`] = result ? JSON.stringify(result.result) : null;
  }
  return record;
}

export function columnsOf(taskKeys: string[]): string[] {
  return ['subject_id', 'external_id', 'subject_metadata', 'gold_standard', 'training', 'retired', 'retired_at', 'retirement_reason', 'retirement_note', 'retired_by_classification_id', 'classification_count', 'workflow_version', ...taskKeys.flatMap((task) => TASK_FIELDS.map((field) => `${task}_${field}`))];
}
