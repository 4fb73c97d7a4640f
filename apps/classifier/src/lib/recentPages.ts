import type { OwnClassificationList } from '@chorus/client';

/**
 * A fresh first page of the recent list, and below it what was shown that it does not hold (older pages the volunteer
 * opened, or items newer answers pushed off it), with the place after the last of those: nothing shown is dropped by
 * a reload. When the fresh page shares nothing with what was shown (more answers came meanwhile than a page holds),
 * it alone is kept, since the items between the two could not be reached.
 */
export function withOlderShown(page: OwnClassificationList, shown: OwnClassificationList): OwnClassificationList {
  const fresh = new Set(page.classifications.map((classification) => classification.id));
  const older = shown.classifications.filter((classification) => !fresh.has(classification.id));
  if (!older.length || older.length === shown.classifications.length) return page;
  return { ...page, classifications: [...page.classifications, ...older], next: shown.next };
}
