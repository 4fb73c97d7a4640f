import { GroupCommit } from '../src/common/group-commit';

/** The group commit on its own: batching, and a failed batch run again item by item. */

it('runs the items of one moment as one batch, and answers each caller with its own result', async () => {
  const batches: number[][] = [];
  const doubler = new GroupCommit(async (items: number[]) => {
    batches.push(items);
    return items.map((item) => item * 2);
  }, { maxBatch: 10, maxBatchesAtOnce: 1 });
  expect(await Promise.all([1, 2, 3].map((item) => doubler.submit(item)))).toEqual([2, 4, 6]);
  expect(batches).toEqual([[1, 2, 3]]);
});

it('runs a failed batch again one item at a time, so only the failing item fails, with its own error', async () => {
  const batches: number[][] = [];
  const strict = new GroupCommit(async (items: number[]) => {
    batches.push(items);
    if (items.includes(13)) throw new Error('13 is refused');
    return items;
  }, { maxBatch: 10, maxBatchesAtOnce: 1 });
  const results = await Promise.allSettled([1, 13, 2].map((item) => strict.submit(item)));
  expect(results).toEqual([
    { status: 'fulfilled', value: 1 },
    { status: 'rejected', reason: new Error('13 is refused') },
    { status: 'fulfilled', value: 2 },
  ]);
  expect(batches).toEqual([[1, 13, 2], [1], [13], [2]]);
});

it('fails every item of a batch the database ended for running too long at once, without running each again', async () => {
  const batches: number[][] = [];
  const slow = new GroupCommit(async (items: number[]) => {
    batches.push(items);
    throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
  }, { maxBatch: 10, maxBatchesAtOnce: 1 });
  const results = await Promise.allSettled([1, 2, 3].map((item) => slow.submit(item)));
  expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
  expect(batches).toEqual([[1, 2, 3]]);
});
