/**
 * The languages Chorus speaks to volunteers: the classifier's interface (a catalogue each, `apps/classifier/src/i18n`)
 * and the API's mails (a wording each, `apps/api/src/mail/wording/`). A new language is added here, and in both.
 */
export const LANGUAGES = ['en', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The first of `tags` (language tags, the most wanted first) that names one of `languages`: by its whole tag (`pt-BR`),
 * else by its base (`fr` for `fr-CA`), whatever their case; undefined if none.
 */
export function firstOf<L extends string>(tags: Iterable<string>, languages: readonly L[]): L | undefined {
  const named = (tag: string) => languages.find((language) => language.toLowerCase() === tag.toLowerCase());
  for (const tag of tags) {
    const whole = tag.trim();
    const language = named(whole) ?? named(whole.split('-')[0] ?? '');
    if (language) return language;
  }
  return undefined;
}

/** The first of `tags` (the most wanted first) that Chorus speaks (`firstOf` its `LANGUAGES`); undefined if none. */
export const spokenLanguage = (tags: Iterable<string>): Language | undefined => firstOf(tags, LANGUAGES);
