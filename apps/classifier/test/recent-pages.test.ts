import type { OwnClassification, OwnClassificationList } from '@chorus/client';
import { withOlderShown } from '../src/lib/recentPages';

const item = (id: string) => ({ id }) as OwnClassification;
const list = (ids: string[], next: string | null, total: number): OwnClassificationList => ({ classifications: ids.map(item), next, total });
const ids = (page: OwnClassificationList) => page.classifications.map((classification) => classification.id);

describe('a reload of the recent list', () => {
  it('keeps the older pages shown below the fresh first page, with the place after them', () => {
    const shown = list(['c', 'b', 'a', 'z', 'y'], 'after-y', 9); // two pages of three opened (the second cut short here)
    const merged = withOlderShown(list(['d', 'c', 'b'], 'after-b', 10), shown);
    expect(ids(merged)).toEqual(['d', 'c', 'b', 'a', 'z', 'y']);
    expect(merged).toMatchObject({ next: 'after-y', total: 10 });
  });

  it('keeps the fresh page alone when it holds everything shown, or shares nothing with it (the items between are out of reach)', () => {
    expect(withOlderShown(list(['d', 'c', 'b', 'a'], null, 4), list(['c', 'b', 'a'], null, 3))).toEqual(list(['d', 'c', 'b', 'a'], null, 4));
    const apart = withOlderShown(list(['q', 'p', 'o'], 'after-o', 20), list(['c', 'b', 'a'], null, 3));
    expect(apart).toEqual(list(['q', 'p', 'o'], 'after-o', 20));
  });
});
