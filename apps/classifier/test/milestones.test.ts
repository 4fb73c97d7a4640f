import { milestoneReached } from '../src/lib/milestones';

describe('milestones of a volunteer’s classifications', () => {
  it('are 10, 25, 50, 100, 250, 500 and 1000, then every 1000, each reached once', () => {
    const reached = Array.from({ length: 3100 }, (_, before) => milestoneReached(before, before + 1)).filter((milestone) => milestone !== undefined);
    expect(reached).toEqual([10, 25, 50, 100, 250, 500, 1000, 2000, 3000]);
  });

  it('name the highest passed when the count jumps, and none when it does not grow', () => {
    expect(milestoneReached(9, 60)).toBe(50);
    expect(milestoneReached(10, 10)).toBeUndefined();
    expect(milestoneReached(0, 9)).toBeUndefined();
  });
});
