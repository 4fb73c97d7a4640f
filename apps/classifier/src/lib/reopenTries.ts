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
 * Which items one sending of the outbox sends, as it learns whether their workflows are open. Items that do not wait
 * go, unless the server refused an earlier one of their workflow as not open in this sending (then they wait too,
 * unsent). Those that wait go once their workflow took an answer in this sending; else, for a workflow found open by
 * the volunteer's page (`foundOpen`) or not tried for `REOPEN_TRY_MS`, the oldest goes as a try, and the next only if
 * the server's answer to it did not tell (a conflict, an expired sign-in, another refusal).
 */
export class ReopenTries {
  private readonly open = new Set<string>();
  private readonly closed = new Set<string>();
  private readonly due = new Set<string>();

  constructor(items: Kept[], now: number, foundOpen: ReadonlySet<string>) {
    const lastTried = new Map<string, number>();
    for (const { input, awaitingReopen } of items) {
      if (awaitingReopen) lastTried.set(input.workflowId, Math.max(lastTried.get(input.workflowId) ?? 0, Date.parse(awaitingReopen.tried)));
    }
    for (const [workflowId, tried] of lastTried) if (foundOpen.has(workflowId) || now - tried >= REOPEN_TRY_MS) this.due.add(workflowId);
  }

  /** Send the item, mark it as waiting without sending it, or leave it as it is. */
  next(item: Kept): 'send' | 'wait' | 'leave' {
    const { workflowId } = item.input;
    if (this.closed.has(workflowId)) return awaitsReopen(item) ? 'leave' : 'wait';
    return !awaitsReopen(item) || this.open.has(workflowId) || this.due.has(workflowId) ? 'send' : 'leave';
  }

  /** The server stored an answer of the workflow: it is open. */
  stored(workflowId: string): void {
    this.open.add(workflowId);
  }

  /** The server refused an answer of the workflow because it is not open to volunteers. */
  notOpen(workflowId: string): void {
    this.closed.add(workflowId);
  }
}
