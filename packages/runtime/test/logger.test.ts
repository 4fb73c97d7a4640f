import { throttledWarning } from '../src';

describe('throttled warning', () => {
  afterEach(() => jest.useRealTimers());

  it('writes the first of a burst, then one a period later saying how many it stands for', () => {
    jest.useFakeTimers({ now: 0 });
    const written: string[] = [];
    const warn = throttledWarning((message) => written.push(message), 30_000);
    warn('redis gone');
    jest.setSystemTime(1_000);
    warn('redis gone');
    warn('redis gone');
    expect(written).toEqual(['redis gone']);
    jest.setSystemTime(31_000);
    warn('redis gone');
    expect(written).toEqual(['redis gone', 'redis gone (and 2 more since the last such warning)']);
    jest.setSystemTime(62_000);
    warn('redis back?');
    expect(written.at(-1)).toBe('redis back?');
  });
});
