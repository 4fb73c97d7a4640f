import { SEARCH_LIMITS, searchWordsOf } from '@chorus/client';
import type { TFunction } from 'i18next';

/** Why the API would refuse a search (too long, too many different words), said in the form before it is sent; none when it takes it. */
export function searchRefusal(typed: string, t: TFunction): string | undefined {
  if (typed.trim().length > SEARCH_LIMITS.length) return t('search.tooLong', { max: SEARCH_LIMITS.length });
  if (searchWordsOf(typed).length > SEARCH_LIMITS.words) return t('search.tooManyWords', { max: SEARCH_LIMITS.words });
  return undefined;
}
