/**
 * What a spreadsheet would run as a formula at a cell's start: `=`, `+`, `-`, `@`, a tab or a carriage return, here
 * after any apostrophes (`'=x`). The downloads guard it with an apostrophe (`asSpreadsheetText`); the subject upload
 * reads that apostrophe off again (`withoutSpreadsheetGuard`).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/**
 * Where a spreadsheet set to a language whose list separator is `;` (German, French, Dutch… Excel on such a computer
 * opens a comma-separated file that way) splits an unquoted cell into several: at every `;`, which is also how the
 * downloads join several answers or tags in one cell (`LIST_SEPARATOR`).
 */
const LOCALE_SEPARATOR = ';';

/**
 * A value a spreadsheet would run as a formula gets a leading apostrophe, and so does one that already starts with
 * apostrophes before such a character (`'=x` is written `''=x`), so that reading the one apostrophe off again
 * (`unguarded`) gives back every value as it was; a number such as `-5` stays as it is.
 */
const guarded = (value: string) => (FORMULA_START.test(value) && !Number.isFinite(Number(value)) ? `'${value}` : value);

/**
 * A CSV cell that a spreadsheet will show as text: a volunteer's transcription or tag such as `=HYPERLINK(…)` gets a
 * leading apostrophe (OWASP's advice against CSV injection), and so does every part of the cell after a `;`, which a
 * spreadsheet in a `;` locale opens as a cell of its own (`horse;=HYPERLINK(…)`, tags joined, is
 * `horse;'=HYPERLINK(…)`). Numbers such as `-5` stay as they are.
 */
export const asSpreadsheetText = (value: string) => value.split(LOCALE_SEPARATOR).map(guarded).join(LOCALE_SEPARATOR);

/** A part of a cell without the apostrophe `guarded` would have put before it, when it has that one. */
const unguarded = (part: string) => (part.startsWith("'") && guarded(part.slice(1)) === part ? part.slice(1) : part);

/**
 * A cell of a downloaded file read back as the value it was written from: the one apostrophe `asSpreadsheetText` puts
 * at its start and after each `;` before `=`, `+`, `-`, `@`, a tab or a carriage return (not before a number) taken off,
 * so that a set's file uploaded again finds `-A12` by its external id rather than adding `'-A12`.
 */
export const withoutSpreadsheetGuard = (cell: string) => (cell.includes("'") ? cell.split(LOCALE_SEPARATOR).map(unguarded).join(LOCALE_SEPARATOR) : cell);
