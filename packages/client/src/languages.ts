/**
 * The languages Chorus speaks to volunteers: the classifier's interface (a catalogue each, `apps/classifier/src/i18n`)
 * and the API's mails (`apps/api/src/mail/mails.ts`). A new language is added here, and in both.
 */
export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

const isLanguage = (tag: string): tag is Language => (LANGUAGES as readonly string[]).includes(tag);

/** The first of `tags` (language tags, the most wanted first) that Chorus speaks, by its base (`fr` for `fr-CA`); undefined if none. */
export function spokenLanguage(tags: Iterable<string>): Language | undefined {
  for (const tag of tags) {
    const base = tag.trim().toLowerCase().split('-')[0] ?? '';
    if (isLanguage(base)) return base;
  }
  return undefined;
}
