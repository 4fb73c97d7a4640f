/** The columns of a subject file that give a subject what volunteers see, each numbered from its second (`image_url_2`). */
export const SUBJECT_LOCATION_COLUMNS = ['image_url', 'audio_url', 'text'] as const;

/**
 * A subject file's header as it is matched against the columns Chorus knows: in lower case, its words joined by "_",
 * whether a spreadsheet separates them by spaces, hyphens or underscores or writes them in camelCase, as the JSON
 * upload's fields are (`External ID`, `external-id` and `externalId` are all `external_id`; `ImageURL` is `image_url`).
 * The API reads a CSV's columns by it; the lab tells a table of subjects by it.
 */
export function columnKey(written: string): string {
  return written
    .trim()
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s_-]+/g, '_')
    .toLowerCase();
}
