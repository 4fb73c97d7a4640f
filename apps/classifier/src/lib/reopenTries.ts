/** Since when an answer waits for its workflow to reopen (the server's first refusal), and when it was last tried. */
export interface ReopenWait {
  since: string;
  tried: string;
}

/** What of an answer kept on the device (an `OutboxItem`) decides when it is tried. */
interface Kept {
  input: { workflowId: string };
  awaitingReopen?: ReopenWait;
}

/**
 * Who sends an answer, as `ReopenTries` tells senders apart: whether a workflow is open depends on who asks (the
 * project's members classify in it while it is a draft), so on a shared device one volunteer's refusal says nothing
 * of another's answers. The current volunteer is `''`.
 */
export type Sender<T extends Kept> = (item: T) => string;

/** A workflow as one sender finds it (the key of `ReopenTries`' sets, and of the workflows a page found open). */
export const senderWorkflow = (sender: string, workflowId: string): string => `${sender} ${workflowId}`;

/** How often, at most, the answers waiting for one workflow to reopen are tried by themselves: one of them, the oldest. */
export const REOPEN_TRY_MS = 5 * 60_000;
/** How long an answer waits for its workflow to reopen, from the server's first refusal, before it is dropped. */
export const REOPEN_WAIT_DAYS = 30;
const REOPEN_WAIT_MS = REOPEN_WAIT_DAYS * 24 * 3600_000;

/** Whether an item waits for its workflow to be open to volunteers again (it is not sent with the others). */
export const awaitsReopen = (item: Kept): boolean => item.awaitingReopen !== undefined;

/** The item as the server refused it just now because its workflow was not open: waiting since its first such refusal. */
export function waitingForReopen<T extends Kept>(item: T, now: Date): T {
  const tried = now.toISOString();
  return { ...item, awaitingReopen: { since: item.awaitingReopen?.since ?? tried, tried } };
}

/** Whether an item has waited for its workflow to reopen for `REOPEN_WAIT_DAYS`: it is dropped, and the volunteer told. */
export const waitedTooLong = (item: Kept, now: number): boolean =>
  item.awaitingReopen !== undefined && now - Date.parse(item.awaitingReopen.since) >= REOPEN_WAIT_MS;

/**
 * Which items one sending of the outbox sends, as it learns whether their workflows are open to their senders. Items
 * that do not wait go, unless the server refused an earlier one of the same sender and workflow as not open in this
 * sending (then they wait too, unsent). Those that wait go once their sender's answer to their workflow was stored in
 * this sending; else, for a workflow found open by the volunteer's page (`foundOpen`, keys of `senderWorkflow`) or not
 * tried for `REOPEN_TRY_MS`, the oldest goes as a try, and the next only if the server's answer to it did not tell (a
 * conflict, an expired sign-in, another refusal).
 */
export class ReopenTries<T extends Kept> {
  private readonly open = new Set<string>();
  private readonly closed = new Set<string>();
  private readonly due = new Set<string>();

  constructor(items: T[], now: number, foundOpen: ReadonlySet<string>, private readonly sender: Sender<T> = () => '') {
    const lastTried = new Map<string, number>();
    for (const item of items) {
      if (item.awaitingReopen) lastTried.set(this.key(item), Math.max(lastTried.get(this.key(item)) ?? 0, Date.parse(item.awaitingReopen.tried)));
    }
    for (const [key, tried] of lastTried) if (foundOpen.has(key) || now - tried >= REOPEN_TRY_MS) this.due.add(key);
  }

  /** Send the item, mark it as waiting without sending it, or leave it as it is. */
  next(item: T): 'send' | 'wait' | 'leave' {
    const key = this.key(item);
    if (this.closed.has(key)) return awaitsReopen(item) ? 'leave' : 'wait';
    return !awaitsReopen(item) || this.open.has(key) || this.due.has(key) ? 'send' : 'leave';
  }

  /** The server stored the item: its workflow is open to its sender. */
  stored(item: T): void {
    this.open.add(this.key(item));
  }

  /** The server refused the item because its workflow is not open to its sender. */
  notOpen(item: T): void {
    this.closed.add(this.key(item));
  }

  /** The item's sender and workflow (`senderWorkflow`). */
  key(item: T): string {
    return senderWorkflow(this.sender(item), item.input.workflowId);
  }
}
