import { i18n } from '../i18n';
import { listIn } from './lists';

/**
 * Lists and moments in the interface's language, never the browser's: its sentences are in that language, and a time
 * in another ("until 5:32:34 م" in English) reads wrong. The time zone stays the browser's.
 */

/** "a, b and c" in the interface language. */
export function listOf(items: readonly string[]): string {
  return listIn(i18n.language, items);
}

const MOMENT_STYLES = {
  time: { timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

/** A moment as a time, a date, or both (the default), in the interface language. */
export function whenInWords(time: string | number | Date, style: keyof typeof MOMENT_STYLES = 'dateTime'): string {
  return new Intl.DateTimeFormat(i18n.language, MOMENT_STYLES[style]).format(new Date(time));
}
