import type { TFunction } from 'i18next';

/** "a, b and c" in `language`. */
export function listIn(language: string, items: readonly string[]): string {
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(items);
}

/** Names (workflows'), each quoted as `t`'s language quotes them, as a list in `language`: “Sort” and “Read”, « Sort » et « Read ». */
export function quotedListIn(language: string, t: TFunction, names: readonly string[]): string {
  return listIn(language, names.map((name) => t('subject.quoted', { text: name })));
}
