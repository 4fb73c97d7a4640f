/**
 * Text as lower-case ASCII letters and digits joined by single dashes, at most `maxLength` characters: accents dropped
 * ("Ünïcödé" is "unicode"), anything else a dash; empty when nothing is left (a name all in another script, say).
 */
export function asciiSlug(text: string, maxLength: number): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}
