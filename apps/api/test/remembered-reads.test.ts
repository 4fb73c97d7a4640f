import { RememberedReads } from '../src/auth/remembered-reads';

/** Remembered reads on their own: what a read answers is remembered, except what was read before a `forget`. */

/** A read of every key whose answer the test gives when it likes. */
function heldReads() {
  const answers: ((values: number[]) => void)[] = [];
  const reads = new RememberedReads<number>(
    (keys) => new Promise((resolve) => answers.push((values) => resolve(keys.map((_key, index) => values[index]!)))),
    (_known, heard) => heard,
  );
  return { reads, answer: async (value: number) => {
    for (let turns = 0; !answers.length; turns += 1) {
      if (turns > 1_000) throw new Error('no read was asked');
      await new Promise((resolve) => setImmediate(resolve));
    }
    answers.shift()!([value]);
  }, readsAsked: () => answers.length };
}

it('does not remember a read that was running when the key was forgotten', async () => {
  const { reads, answer } = heldReads();
  const before = reads.current('workflow');
  reads.forget('workflow');
  await answer(1);
  expect(await before).toBe(1);

  const after = reads.current('workflow');
  expect(await Promise.race([after, answer(2).then(() => after)])).toBe(2);
});

it('remembers a read no forget came during', async () => {
  const { reads, answer, readsAsked } = heldReads();
  const first = reads.current('workflow');
  await answer(1);
  expect(await first).toBe(1);
  expect(await reads.current('workflow')).toBe(1);
  expect(readsAsked()).toBe(0);
});
