import { REOPEN_TRY_MS, REOPEN_WAIT_DAYS, type ReopenWait, ReopenTries, senderWorkflow, waitedTooLong, waitingForReopen } from '../src/lib/reopenTries';

const NOW = Date.parse('2025-03-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

interface Item {
  idempotencyKey: string;
  input: { workflowId: string };
  awaitingReopen?: ReopenWait;
  /** Who sends it: the current volunteer when absent. */
  sender?: string;
}

function item(key: string, workflowId: string, waiting?: { since: number; tried: number }, sender?: string): Item {
  return { idempotencyKey: key, input: { workflowId }, sender, ...(waiting ? { awaitingReopen: { since: ago(waiting.since), tried: ago(waiting.tried) } } : {}) };
}

/** What a sending does with each item in turn, the server answering each item sent as `answer` says. */
function sending(items: Item[], answer: (item: Item) => 'stored' | 'not-open' | 'other', foundOpen: string[] = []): string[] {
  const found = new Set(foundOpen.map((workflowId) => senderWorkflow('', workflowId)));
  const tries = new ReopenTries(items, NOW, found, (each) => each.sender ?? '');
  return items.map((each) => {
    const next = tries.next(each);
    if (next !== 'send') return `${each.idempotencyKey}:${next}`;
    const answered = answer(each);
    if (answered === 'stored') tries.stored(each);
    if (answered === 'not-open') tries.notOpen(each);
    return `${each.idempotencyKey}:send`;
  });
}

describe('answers waiting for their workflow to reopen', () => {
  const minute = 60_000;

  it('are not sent while their workflow was tried less than REOPEN_TRY_MS ago; other answers are', () => {
    const items = [item('a', 'w1', { since: 20 * minute, tried: minute }), item('b', 'w1', { since: 20 * minute, tried: 20 * minute }), item('c', 'w2')];
    expect(sending(items, () => 'stored')).toEqual(['a:leave', 'b:leave', 'c:send']);
  });

  it('are tried one at a time once due: refused as not open, the rest of the workflow is left, and its new answers wait unsent', () => {
    const items = [item('a', 'w1', { since: 20 * minute, tried: REOPEN_TRY_MS }), item('b', 'w1', { since: 20 * minute, tried: REOPEN_TRY_MS }), item('c', 'w1')];
    expect(sending(items, () => 'not-open')).toEqual(['a:send', 'b:leave', 'c:wait']);
  });

  it('all go once one is stored; an answer that tells nothing of the workflow (a conflict, a sign-in) lets the next one try', () => {
    const items = [item('a', 'w1', { since: 20 * minute, tried: 10 * minute }), item('b', 'w1', { since: 20 * minute, tried: 10 * minute }), item('c', 'w1', { since: 20 * minute, tried: 10 * minute })];
    expect(sending(items, (each) => (each.idempotencyKey === 'a' ? 'other' : 'stored'))).toEqual(['a:send', 'b:send', 'c:send']);
  });

  it('go at once, however recently tried, when the volunteer’s page found their workflow open, or an answer of it was stored before them', () => {
    const items = [item('a', 'w1', { since: 20 * minute, tried: minute }), item('b', 'w2'), item('c', 'w2', { since: 20 * minute, tried: minute })];
    expect(sending(items, () => 'stored', ['w1'])).toEqual(['a:send', 'b:send', 'c:send']);
  });

  it('of one volunteer on a shared device are not held back by another’s refusal: a workflow in draft is open to its members', () => {
    const items = [item('a', 'w1', undefined, 'outsider'), item('b', 'w1', undefined, 'member'), item('c', 'w1', undefined, 'outsider'), item('d', 'w1', undefined, 'member')];
    expect(sending(items, (each) => (each.sender === 'member' ? 'stored' : 'not-open'))).toEqual(['a:send', 'b:send', 'c:wait', 'd:send']);
  });

  it('of another volunteer on the device wait on, when the current volunteer’s page finds their workflow open', () => {
    const items = [item('a', 'w1', { since: 20 * minute, tried: minute }, 'outsider'), item('b', 'w1', { since: 20 * minute, tried: minute })];
    expect(sending(items, () => 'stored', ['w1'])).toEqual(['a:leave', 'b:send']);
  });

  it('wait since the first refusal, each refusal since counting as a try', () => {
    const first = waitingForReopen(item('a', 'w1'), new Date(NOW - 2 * minute));
    expect(first.awaitingReopen).toEqual({ since: ago(2 * minute), tried: ago(2 * minute) });
    expect(waitingForReopen(first, new Date(NOW)).awaitingReopen).toEqual({ since: ago(2 * minute), tried: ago(0) });
  });

  it(`are dropped once they have waited ${REOPEN_WAIT_DAYS} days, counted from the first refusal`, () => {
    const day = 24 * 60 * minute;
    expect(waitedTooLong(item('a', 'w1', { since: REOPEN_WAIT_DAYS * day - minute, tried: minute }), NOW)).toBe(false);
    expect(waitedTooLong(item('a', 'w1', { since: REOPEN_WAIT_DAYS * day, tried: minute }), NOW)).toBe(true);
    expect(waitedTooLong(item('a', 'w1'), NOW)).toBe(false); // not waiting: an answer queued offline long ago still goes
  });
});
