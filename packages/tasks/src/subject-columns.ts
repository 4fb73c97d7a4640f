/** The columns of a subject file that give a subject what volunteers see, each numbered from its second (`image_url_2`). */
export const SUBJECT_LOCATION_COLUMNS = ['image_url', 'audio_url', 'text'] as const;
/** A column that gives a subject what volunteers see, as `columnKey` reads it (`image_url`, `text_2`). */
export const SUBJECT_LOCATION_COLUMN = new RegExp(`^(?:${SUBJECT_LOCATION_COLUMNS.join('|')})(?:_\\d+)?$`);

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

/** The separators a CSV file of subjects may have between its cells. */
export type CsvDelimiter = ',' | ';' | '\t';

/**
 * The separator of a CSV file: a comma, or the semicolon or tab its header uses instead (spreadsheets in many
 * languages save "CSV" with semicolons): the one that splits off a column volunteers see (`image_url;Title, sub`),
 * else whichever the header line has most of. The API reads a file by it; the lab splits a long one into parts by it.
 */
export function csvDelimiter(csv: string): CsvDelimiter {
  // Separators inside a quoted column name ("Date, place") do not count.
  const text = csv.replace(/^\uFEFF/, '');
  const header = text.slice(0, text.search(/\r?\n|$/)).replace(/"[^"]*"/g, '');
  const read = (separator: CsvDelimiter) => {
    const columns = header.split(separator);
    return { separator, seen: columns.some((column) => SUBJECT_LOCATION_COLUMN.test(columnKey(column))), count: columns.length };
  };
  const better = (a: ReturnType<typeof read>, b: ReturnType<typeof read>) => (a.seen === b.seen ? a.count > b.count : a.seen);
  return ([';', '\t'] as const).map(read).reduce((best, other) => (better(other, best) ? other : best), read(',')).separator;
}
