import transliterate from '@sindresorhus/transliterate';

/** A run of Latin letters, which `asciiSlug` spells in a to z once their accents are dropped. */
const LATIN = /\p{Script=Latin}+/gu;

/**
 * Text as lower-case ASCII letters and digits joined by single dashes, at most `maxLength` characters: accents dropped
 * ("Ünïcödé" is "unicode"), Latin letters that are not a letter and an accent spelt as their readers would in ASCII
 * ("Øresund" is "oresund", "Æble" "aeble", "Straße" "strasse", "Łódź" "lodz"), anything else a dash; empty when nothing
 * is left (a name all in another script, say).
 */
export function asciiSlug(text: string, maxLength: number): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    // After the accents: "Ü" is "u" as ever (a transliteration would write "ue").
    .replace(LATIN, (letters) => transliterate(letters))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

/**
 * Text as letters of any script (with their marks: Thai vowels, Hebrew points), digits and single dashes, in Unicode
 * NFKC, at most `maxLength` characters (code points); empty when nothing is left.
 */
export function unicodeSlug(text: string, maxLength: number): string {
  return Array.from(text.normalize('NFKC').replace(/[^\p{L}\p{M}\p{N}]+/gu, '-'))
    .slice(0, maxLength)
    .join('')
    .replace(/^-+|-+$/g, '');
}
