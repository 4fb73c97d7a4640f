import { escapeUTF8 } from 'entities';

/**
 * The characters XML 1.0 allows in no document, escaped or not: the C0 controls but tab, line feed and carriage return;
 * U+FFFE and U+FFFF; and a surrogate without its pair (a string cut in the middle of a character).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the controls XML 1.0 forbids are what this finds
const NOT_IN_XML = /[\0-\x08\v\f\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as XML character data (or, `xmlAttribute`, an attribute's value): `&`, `<`, `>`, `"` and `'`
 * escaped, and each character XML 1.0 forbids (`NOT_IN_XML`) made U+FFFD, the replacement character, so that a
 * reader sees where one was and the document stays well-formed.
 */
export const xmlText = (text: string): string => escapeUTF8(text.replace(NOT_IN_XML, '\uFFFD'));

/**
 * Text as an attribute's value (in double or single quotes), as `xmlText` escapes it, with tab, line feed and carriage
 * return written as references (`&#9;`, `&#10;`, `&#13;`): a reader makes each of them, written as it is, a space.
 */
export const xmlAttribute = (text: string): string => xmlText(text).replace(/[\t\n\r]/g, (space) => `&#${space.charCodeAt(0)};`);
