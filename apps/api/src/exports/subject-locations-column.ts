import { WITHHELD_IN_WORDS } from './withheld-while-taken-down';

/** What `subject_locations` holds, in the consensus download (the API's documentation lists it, and the README). */
export const SUBJECT_LOCATIONS_IN_WORDS =
  `the subject's media as volunteers are served them (JSON: a list of locations, in order: an image's url, with its iiifService and alt if it has them; a recording's url; a text's own text, with its highlights), as they are at the download, after any correction (the raw download's earlier_locations gives what a classification made before one was shown); ${WITHHELD_IN_WORDS}, as subject_metadata. Only in this download, one row per subject: the raw download's rows join to it by subject_id`;
