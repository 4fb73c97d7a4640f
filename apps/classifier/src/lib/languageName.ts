/**
 * A language tag's name in the interface's language (`fr-CA` → "Canadian French"), or the tag itself where the
 * browser cannot name it: the name is of its language, script and region only, as Safari and Firefox throw a
 * RangeError on a tag with extensions or a private use (`de-x-foo`, `en-u-ca-gregory`).
 */
export function languageName(tag: string, uiLanguage: string): string {
  try {
    return new Intl.DisplayNames([uiLanguage], { type: 'language', fallback: 'code' }).of(new Intl.Locale(tag).baseName) ?? tag;
  } catch {
    return tag;
  }
}
