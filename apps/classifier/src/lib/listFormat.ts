import { i18n } from '../i18n';

/** "a, b and c" in the interface language. */
export function listOf(items: readonly string[]): string {
  return new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(items);
}
