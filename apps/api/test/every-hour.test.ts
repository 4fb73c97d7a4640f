import { FIRST_RUN_WITHIN_MS, everyHour } from '../src/common/every-hour';

/** The hourly clean-ups (guests' addresses, ended sessions): soon after a start, then hourly, until stopped. */
describe('everyHour', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs soon after the process starts, then every hour, and a failure waits for the next hour', async () => {
    let runs = 0;
    const failures: string[] = [];
    const stop = everyHour(async () => {
      runs += 1;
      if (runs === 2) throw new Error('Postgres is away');
    }, (error) => failures.push(error.message));
    await jest.advanceTimersByTimeAsync(FIRST_RUN_WITHIN_MS);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect([runs, failures]).toEqual([2, ['Postgres is away']]);
    await jest.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(runs).toBe(3);
    stop();
    await jest.advanceTimersByTimeAsync(3 * 60 * 60 * 1000);
    expect(runs).toBe(3);
  });

  it('runs nothing once stopped before its first run', async () => {
    let runs = 0;
    everyHour(async () => {
      runs += 1;
    }, () => undefined)();
    await jest.advanceTimersByTimeAsync(2 * 60 * 60 * 1000);
    expect(runs).toBe(0);
  });
});
