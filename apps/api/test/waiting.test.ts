import { until } from '../../../test/support/waiting';

/** The tests' own waiting, under a test that holds `Date.now` still (as those of remembered reads do). */

afterEach(() => jest.restoreAllMocks());

it('gives up at its deadline even while Date.now is held still', async () => {
  jest.spyOn(Date, 'now').mockReturnValue(Date.now());
  await expect(until(async () => false, 'what never comes', 200)).rejects.toThrow('timed out waiting for what never comes');
}, 5_000);
