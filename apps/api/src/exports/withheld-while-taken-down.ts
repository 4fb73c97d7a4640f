import { inTakenDownSql } from '../retirement/retired-by-sql';

/** What the downloads give of a withheld column (`withheldWhileTakenDownSql`), in the columns' words. */
export const WITHHELD_IN_WORDS =
  "empty while the project's team has the subject taken down in any workflow of the project (the consensus download's taken_down: personal data, sensitive content)";

/**
 * `value` (SQL: a column of subject `subjectId`'s row, or anything read from it) as the downloads give it: null while
 * the subject is taken down (`inTakenDownSql`: retired by a take-down in any workflow of its project), as volunteers
 * are then shown nothing of it. Its metadata (`subject_metadata`, the `metadata.<key>` columns and their keys), its
 * media (`subject_locations`) and the media it had before a correction (`earlier_locations`) alike: any may hold the
 * personal data or sensitive content it was taken down for.
 */
export const withheldWhileTakenDownSql = (subjectId: string, value: string) => `CASE WHEN NOT ${inTakenDownSql(subjectId)} THEN ${value} END`;
