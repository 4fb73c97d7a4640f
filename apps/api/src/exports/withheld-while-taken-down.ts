import { inTakenDownSql } from '../retirement/retired-by-sql';

/** What the downloads give of a withheld column (`withheldWhileTakenDownSql`), in the columns' words. */
export const WITHHELD_IN_WORDS =
  "empty while the project's team has the subject taken down in any workflow of the project (the consensus download's taken_down: personal data, sensitive content)";

/**
 * Column `column` of subject row `subject` as the downloads give it: null while the subject is taken down
 * (`inTakenDownSql`: retired by a take-down in any workflow of its project), as volunteers are then shown nothing of
 * it. Its metadata (`subject_metadata`, the `metadata.<key>` columns and their keys) and its media
 * (`subject_locations`) alike: either may hold the personal data or sensitive content it was taken down for.
 */
export const withheldWhileTakenDownSql = (subject: string, column: 'metadata' | 'locations') => `CASE WHEN NOT ${inTakenDownSql(`${subject}.id`)} THEN ${subject}.${column} END`;
