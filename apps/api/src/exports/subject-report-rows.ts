import { SUBJECT_REPORT_REASONS } from '@chorus/client';
import { type FlatRecord, downloadTime } from './export-format';

/** One volunteer's report of a subject, as the export query reads it. */
export interface SubjectReportRow {
  id: string;
  subject_id: string;
  external_id: string | null;
  /** Whose it was when it was made (`reporter_id`), whom the pseudonym names. */
  reporter_id: string;
  reason: string;
  note: string | null;
  /** When last made (at first, or again); `created_at`, first made. */
  reported_at: Date;
  created_at: Date;
  updated_at: Date | null;
  retired_at: Date | null;
  retirement_reason: string | null;
  dismissed_at: Date | null;
  dismissed_by: string | null;
  dismissal_note: string | null;
}

/** The columns, each with what it holds (the API's documentation lists them). */
export const SUBJECT_REPORT_COLUMNS = {
  report_id: "the report's id",
  subject_id: "the subject's id",
  external_id: "the researchers' id of the subject, if it has one",
  reporter:
    "who reported, as a pseudonym: the same for all of one volunteer's reports in this workflow (those a guest made before signing in to an account keep the guest's), and found nowhere else (not their user id, which the classifications download names with their display name: volunteers are told researchers do not see who reported)",
  reason: `why: ${SUBJECT_REPORT_REASONS.join(', ')}`,
  note: "the volunteer's note, if they wrote one",
  reported_at: "when its volunteer first made it (ISO 8601): a report made again keeps it (the earliest of a subject's is the reported subjects list's firstReportedAt)",
  updated_at: "when the row last changed: when it was stored, or later when its volunteer reported the subject again with other words while it was open or again after a dismissal, the project's team dismissed it, or its volunteer deleted their account (its note erased); since= gives such rows again. A guest's sign-in to an account changes nothing here",
  retired_at: 'when the subject was retired in the workflow, if it is, read at the download (not when the report was made): a retirement since does not make the row come again with since=',
  retirement_reason: 'why it was retired: manual for researchers, else the rule that retired it',
  dismissed_at: 'when a moderator or researcher dismissed the report (handled: the subject left served), if one did; the row comes again with since= then',
  dismissed_by: 'the user id of the moderator or researcher who dismissed it',
  dismissal_note: 'their note, if they wrote one',
  last_reported_at:
    "when its volunteer last made it (ISO 8601): reported_at, or later when they reported the subject again with other words while it was open, or again after a dismissal (the latest of a subject's is the reported subjects list's lastReportedAt); last, as columns added later are",
} as const;

/** One report's record; `reporter`: its volunteer's pseudonym (`ReporterPseudonyms`). */
export function flattenSubjectReport(row: SubjectReportRow, reporter: string): FlatRecord {
  return {
    report_id: row.id,
    subject_id: row.subject_id,
    external_id: row.external_id,
    reporter,
    reason: row.reason,
    note: row.note,
    reported_at: downloadTime(row.created_at),
    updated_at: downloadTime(row.updated_at ?? row.created_at),
    retired_at: downloadTime(row.retired_at),
    retirement_reason: row.retirement_reason,
    dismissed_at: downloadTime(row.dismissed_at),
    dismissed_by: row.dismissed_by,
    dismissal_note: row.dismissal_note,
    last_reported_at: downloadTime(row.reported_at),
  };
}
