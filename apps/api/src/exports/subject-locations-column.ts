import { inTakenDownSql } from '../retirement/retired-by-sql';

/** What `subject_locations` holds, in the consensus download (the API's documentation lists it, and the README). */
export const SUBJECT_LOCATIONS_IN_WORDS =
  "the subject's media as volunteers are served them (JSON: a list of locations, in order: an image's url, with its iiifService and alt if it has them; a recording's url; a text's own text, with its highlights), as they are at the download, after any correction (the raw download's earlier_locations gives what a classification made before one was shown); empty for a subject the project's team took down (taken_down: personal data, sensitive content), whose media no download gives. Only in this download, one row per subject: the raw download's rows join to it by subject_id";

/**
 * A download's `subject_locations`, read from the subject `subject` (its row, which the download's statement reads
 * already): its locations, or null while it is taken down (`inTakenDownSql`, the take-down every view of it follows).
 */
export const subjectLocationsSql = (subject: string) => `CASE WHEN NOT ${inTakenDownSql(`${subject}.id`)} THEN ${subject}.locations END`;
