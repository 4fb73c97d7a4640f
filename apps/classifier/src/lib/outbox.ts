import { ChorusApiError, type ChorusClient, type ClassificationInput, isProblem, type TaskFeedback } from '@chorus/client';
import { type IDBPDatabase, openDB } from 'idb';
import { i18n } from '../i18n';
import { refusedForGood } from './errors';
import { awaitsReopen, type ReopenWait, ReopenTries, senderWorkflow, waitedTooLong, waitingForReopen } from './reopenTries';
import { SUBMIT_TIMEOUT_MS } from './sendTimes';
import { type Owner, session, tokenKind } from './session';

/** A classification the server has not acknowledged yet, with the idempotency key it was first sent with. */
export interface OutboxItem {
  idempotencyKey: string;
  input: ClassificationInput;
  queuedAt: string;
  attempts: number;
  lastError?: string;
  /**
   * Who made it: it is sent with their token, so it stays theirs even if someone else is signed in on this device by
   * the time it goes. Absent in items kept before accounts (they are the current volunteer's, claimed on a switch).
   */
  owner?: Owner;
  /**
   * The server refused its owner's token (401: an account's sign-in expired). Kept, and sent once that owner is
   * signed in here again; until then not tried with the refused token.
   */
  awaitingSignIn?: boolean;
  /**
   * The server refused it because its workflow was not open to volunteers (422 `workflow-not-open`: the project was
   * taken back to draft), first `since`, last `tried`. Kept, and tried again now and then (`reopenTries.ts`), until it
   * is stored, refused for another reason, given up by the volunteer, or has waited `REOPEN_WAIT_DAYS`.
   */
  awaitingReopen?: ReopenWait;
  /**
   * A try of it may have reached the server with its answer lost on the way back (it timed out, or the connection
   * dropped while the browser was online): the server may hold it already (a replay would say so). Not counted as
   * waiting to be stored (`unstoredCount`), so that it is never counted twice.
   */
  maybeStored?: boolean;
}

/**
 * Whether a failed try may have been stored all the same: no answer came back though the request may have gone out
 * (a timeout, or a network failure while the browser says it is online). A server's answer (5xx, 429) stored nothing,
 * and nothing leaves a browser that knows it is offline.
 */
export const mayHaveBeenStored = (error: unknown): boolean => error instanceof SubmitTimeoutError || (error instanceof TypeError && navigator.onLine);

/** Whether an item is the current volunteer's own answer (not one left by whoever used this device before). */
export function isMine(item: OutboxItem): boolean {
  return !item.owner || session.owns(item.owner);
}

/** Who sends an item, as `ReopenTries` tells senders apart: the current volunteer (`''`), or its owner. */
const sender = (item: OutboxItem): string => (isMine(item) ? '' : (item.owner?.userId ?? item.owner?.token ?? ''));

/** Whether an item waits for its owner to sign in again (it cannot be sent before). */
export function awaitsSignIn(item: OutboxItem): boolean {
  return item.awaitingSignIn === true && !isMine(item);
}

/** The server no longer accepts the token an answer was sent with. */
export const isSignInExpired = (error: unknown): boolean => error instanceof ChorusApiError && error.status === 401;

/**
 * Whether an answer whose owner's token the server refused can wait for them: an account can sign in again; a guest
 * that is not the one on this device now never can (the one on this device is renewed, and takes its answers over).
 */
export const canSignInAgain = (owner: Owner | undefined): boolean => !owner || owner.token === null || tokenKind(owner.token) !== 'guest';

export class SubmitTimeoutError extends Error {
  readonly seconds: number;
  constructor(ms: number) {
    super();
    this.seconds = Math.round(ms / 1000);
  }
  /** In the interface's language whenever read: a problem said again after a switch of language reads it again. */
  override get message(): string {
    return i18n.t('errors.timeout', { seconds: this.seconds });
  }
}

/** Worth trying again later: the network is gone, the server failed (5xx), timed out, or asked us to slow down. */
export function isTransient(error: unknown): boolean {
  if (error instanceof SubmitTimeoutError || error instanceof TypeError) return true;
  return error instanceof ChorusApiError && !refusedForGood(error);
}

const isConflict = (error: unknown, slug: string) => isProblem(error, slug, 409);

/** The server already holds this volunteer's classification of the subject (another tab, an earlier try). */
export const isAlreadyClassified = (error: unknown): boolean => isConflict(error, 'already-classified');

/**
 * A submit's answer when the volunteer may not classify in the workflow now (its project was taken back to draft):
 * nothing was stored, and nothing sent there will be until the researchers open it to volunteers again.
 */
export const isWorkflowNotOpen = (error: unknown): boolean => isProblem(error, 'workflow-not-open', 422);

/**
 * The queue's answer when the researchers paused the workflow or its project: no subjects for now. (Answers sent
 * meanwhile are still stored.)
 */
export const isWorkflowPaused = (error: unknown): boolean => isConflict(error, 'workflow-not-active');

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SubmitTimeoutError(ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const STORE = 'outbox';

export interface FlushReport {
  sent: number;
  /** Items the server refused for good (a 4xx other than 401, 409 and `workflow-not-open`): dropped, with the server's reason. */
  refused: { item: OutboxItem; error: unknown }[];
  /** Items found waiting for their workflow to reopen in this sending (refused as not open, or of a workflow that was). */
  awaitingReopen: OutboxItem[];
  /** Items dropped for having waited `REOPEN_WAIT_DAYS` for their workflow to reopen. */
  waitedTooLong: OutboxItem[];
  /** Gold-standard feedback the server sent back with an item, to show now that it has arrived. */
  feedback: { item: OutboxItem; feedback: TaskFeedback[] }[];
}

/**
 * The outbox: classifications kept in IndexedDB until the server acknowledges them. Sending one again with
 * its idempotency key is always safe: the server answers a replay with the first classification's id. When
 * IndexedDB is unavailable (some private modes), the outbox lives in memory for the life of the page.
 */
class Outbox {
  private db: Promise<IDBPDatabase | null> | null = null;
  private memory = new Map<string, OutboxItem>();
  private listeners = new Set<(items: OutboxItem[]) => void>();
  private flushing: Promise<FlushReport> | null = null;
  /** `flushing` when it is a hold (`whileNotSending`), not a send: a send asked for then waits for it. */
  private held: Promise<FlushReport> | null = null;
  private items: OutboxItem[] = [];
  /**
   * Workflows found open since the last sending began (`senderWorkflow` keys): their sender's answers waiting for that
   * go with the next.
   */
  private foundOpen = new Set<string>();

  private open(): Promise<IDBPDatabase | null> {
    this.db ??= openDB('chorus', 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: 'idempotencyKey' });
      },
    }).catch(() => null);
    return this.db;
  }

  /** The item as it is now (its owner may have changed since a list was read), or undefined once it is gone. */
  private async current(idempotencyKey: string): Promise<OutboxItem | undefined> {
    const db = await this.open();
    return db ? ((await db.get(STORE, idempotencyKey)) as OutboxItem | undefined) : this.memory.get(idempotencyKey);
  }

  async all(): Promise<OutboxItem[]> {
    const db = await this.open();
    const items = db ? ((await db.getAll(STORE)) as OutboxItem[]) : [...this.memory.values()];
    items.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
    this.items = items;
    return items;
  }

  async put(item: OutboxItem): Promise<void> {
    const db = await this.open();
    if (db) await db.put(STORE, item);
    else this.memory.set(item.idempotencyKey, item);
    await this.changed();
  }

  /**
   * Changes an item as it is now, not as it was read before a request: its owner may have changed meanwhile (a guest
   * renewed hands its answers over). An item gone meanwhile stays gone.
   */
  private async update(idempotencyKey: string, change: (item: OutboxItem) => OutboxItem): Promise<void> {
    const db = await this.open();
    if (db) {
      const tx = db.transaction(STORE, 'readwrite');
      const kept = (await tx.store.get(idempotencyKey)) as OutboxItem | undefined;
      if (kept) await tx.store.put(change(kept));
      await tx.done;
    } else {
      const kept = this.memory.get(idempotencyKey);
      if (kept) this.memory.set(idempotencyKey, change(kept));
    }
    await this.changed();
  }

  async remove(...idempotencyKeys: string[]): Promise<void> {
    const db = await this.open();
    for (const key of idempotencyKeys) {
      if (db) await db.delete(STORE, key);
      else this.memory.delete(key);
    }
    await this.changed();
  }

  /**
   * The volunteer's page found the workflow open to volunteers: its answers waiting for that go with the next sending.
   * Resolves once the sending under way, if any, has ended (it may have passed them over).
   */
  async workflowOpen(workflowId: string): Promise<void> {
    this.foundOpen.add(senderWorkflow('', workflowId));
    await this.flushing?.catch(() => undefined);
  }

  /**
   * Deletes the current volunteer's answers waiting for their workflow to reopen, which they chose to give up (none is
   * being sent meanwhile); answers how many.
   */
  discardAwaitingReopen(): Promise<number> {
    return this.whileNotSending(async () => {
      const given = (await this.all()).filter((item) => awaitsReopen(item) && isMine(item));
      await this.remove(...given.map((item) => item.idempotencyKey));
      return given.length;
    });
  }

  /** Subjects of a workflow with an answer of the current volunteer waiting here: never shown to them again while they wait. */
  async pendingSubjectIds(workflowId: string): Promise<Set<string>> {
    const items = await this.all();
    return new Set(items.filter((item) => item.input.workflowId === workflowId && isMine(item)).map((item) => item.input.subjectId));
  }

  /**
   * How many of the current volunteer's answers to a workflow wait here that the server has surely not stored (none of
   * `maybeStored`): what the server's count of their classifications lacks. Read once no sending is under way (an
   * answer stored but not yet taken out would be counted twice); a sending asked for meanwhile waits for the read.
   */
  async unstoredCount(workflowId: string): Promise<number> {
    const items = await this.all();
    return items.filter((item) => item.input.workflowId === workflowId && isMine(item) && !item.maybeStored).length;
  }

  /** Marks the items that name no owner as `owner`'s: done before another volunteer takes this device over. */
  claim(owner: Owner): Promise<void> {
    return this.reassign((item) => !item.owner, owner);
  }

  /**
   * The current volunteer's items (an account signing out) wait here for it to sign in again, kept without its token:
   * no bearer token stays on this device once it has signed out. Answers how many.
   */
  keepForNextSignIn(owner: Owner): Promise<number> {
    return this.whileNotSending(async () => {
      const mine = (await this.all()).filter(isMine);
      await this.reassign(isMine, { userId: owner.userId, token: null }, true);
      return mine.length;
    });
  }

  /** Deletes the current volunteer's items, which they chose to give up on signing out (none is being sent meanwhile); answers how many. */
  discardMine(): Promise<number> {
    return this.whileNotSending(async () => {
      const mine = (await this.all()).filter(isMine);
      await this.remove(...mine.map((item) => item.idempotencyKey));
      return mine.length;
    });
  }

  /** Items of `from` (a guest the server no longer accepts) become `to`'s, the guest that replaced it on this device. */
  handOver(from: Owner, to: Owner): Promise<void> {
    return this.reassign(({ owner }) => !owner || owner.token === from.token || (from.userId !== null && owner.userId === from.userId), to);
  }

  /**
   * Gives the matching items a new owner, in one transaction, so that an item sent meanwhile is never put back; they wait
   * for that owner to sign in (`awaitingSignIn`) or not.
   */
  private async reassign(matches: (item: OutboxItem) => boolean, owner: Owner, awaitingSignIn = false): Promise<void> {
    const db = await this.open();
    if (db) {
      const tx = db.transaction(STORE, 'readwrite');
      for (const item of (await tx.store.getAll()) as OutboxItem[]) if (matches(item)) await tx.store.put({ ...item, owner, awaitingSignIn });
      await tx.done;
    } else {
      for (const [key, item] of this.memory) if (matches(item)) this.memory.set(key, { ...item, owner, awaitingSignIn });
    }
    await this.changed();
  }

  subscribe(listener: (items: OutboxItem[]) => void): () => void {
    this.listeners.add(listener);
    void this.all().then(listener);
    return () => this.listeners.delete(listener);
  }

  private async changed(): Promise<void> {
    const items = await this.all();
    for (const listener of this.listeners) listener(items);
  }

  /**
   * Sends every waiting item, oldest first, the current volunteer's with `client` and anyone else's with their own token;
   * stops at the first transient failure (the network is still down). An item whose owner's sign-in expired stays,
   * for when they sign in again: it was safe on this device, and the volunteer was told so. So does an item of a
   * workflow not open to volunteers, for when it is again (see `ReopenTries` for when such items are tried).
   */
  flush(client: ChorusClient): Promise<FlushReport> {
    // Asked for while the outbox is held (`whileNotSending`): it waits for the hold, then really sends (a caller told
    // of nothing sent would count answers as waiting that go a moment later).
    if (!this.flushing || this.flushing === this.held) {
      const held = this.flushing;
      const sending = (async () => {
        await held?.catch(() => undefined);
        return this.send(client);
      })();
      this.flushing = sending;
      this.held = null;
      const settled = () => {
        if (this.flushing === sending) this.flushing = null;
      };
      sending.then(settled, settled);
    }
    return this.flushing;
  }

  /**
   * Runs `work` with no item being sent: once the send under way (if any) has ended, and with every send asked for
   * meanwhile waiting for it to end. A sign-in that carries a guest's work into an account ends the guest's token, so
   * nothing may be sent with it between the sign-in and the hand-over of the guest's items to the account.
   */
  async whileNotSending<T>(work: () => Promise<T>): Promise<T> {
    const running = this.flushing;
    const done = (async () => {
      await running?.catch(() => undefined);
      return work();
    })();
    const idle: Promise<FlushReport> = done.then(emptyReport, emptyReport);
    this.flushing = idle;
    this.held = idle;
    void idle.then(() => {
      if (this.flushing === idle) this.flushing = null;
      if (this.held === idle) this.held = null;
    });
    return done;
  }

  private async send(client: ChorusClient): Promise<FlushReport> {
    const report = emptyReport();
    const listed = await this.all();
    const now = Date.now();
    const tries = new ReopenTries(listed, now, this.foundOpen, sender);
    this.foundOpen = new Set();
    for (const { idempotencyKey } of listed) {
      // As it is now: handed to another owner since the list was read (a sign-in), it goes as theirs.
      const item = await this.current(idempotencyKey);
      // Kept without a token (its account signed out here): it waits for that account.
      if (!item || awaitsSignIn(item) || (item.owner?.token === null && !isMine(item))) continue;
      if (waitedTooLong(item, now)) {
        report.waitedTooLong.push(item);
        await this.remove(idempotencyKey);
        continue;
      }
      const next = tries.next(item);
      if (next === 'wait') {
        report.awaitingReopen.push(item);
        await this.update(idempotencyKey, (kept) => waitingForReopen(kept, new Date(now)));
      }
      if (next !== 'send') continue;
      try {
        const by = item.owner?.token && !session.owns(item.owner) ? session.clientFor(item.owner.token) : client;
        const { feedback } = await withTimeout(by.classify(item.input, item.idempotencyKey), SUBMIT_TIMEOUT_MS);
        if (feedback?.length) report.feedback.push({ item, feedback });
        report.sent += 1;
        tries.stored(item);
        // Those of its sender and workflow that were passed over above, waiting for it to reopen, go with the next sending.
        this.foundOpen.add(tries.key(item));
        await this.remove(item.idempotencyKey);
      } catch (error) {
        if (isAlreadyClassified(error)) {
          report.sent += 1;
          await this.remove(item.idempotencyKey);
        } else if (isWorkflowNotOpen(error)) {
          tries.notOpen(item);
          report.awaitingReopen.push(item);
          await this.update(item.idempotencyKey, (kept) => waitingForReopen({ ...kept, attempts: kept.attempts + 1, lastError: describe(error) }, new Date()));
        } else if (isSignInExpired(error) && canSignInAgain(item.owner)) {
          await this.update(item.idempotencyKey, (kept) => ({ ...kept, attempts: kept.attempts + 1, lastError: describe(error), awaitingSignIn: true }));
        } else if (isTransient(error)) {
          const maybeStored = mayHaveBeenStored(error);
          await this.update(item.idempotencyKey, (kept) => ({ ...kept, attempts: kept.attempts + 1, lastError: describe(error), maybeStored: kept.maybeStored || maybeStored }));
          break;
        } else {
          report.refused.push({ item, error });
          await this.remove(item.idempotencyKey);
        }
      }
    }
    return report;
  }

  /** Items to send now: not those waiting for their owner to sign in again, nor for their workflow to reopen. */
  get count(): number {
    return this.items.filter((item) => !awaitsSignIn(item) && !awaitsReopen(item)).length;
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
const emptyReport = (): FlushReport => ({ sent: 0, refused: [], feedback: [], awaitingReopen: [], waitedTooLong: [] });

export const outbox = new Outbox();

// A guest the server stopped accepting is replaced by a new one (see session.ts): its answers waiting here go as the new one's.
session.onGuestReplaced((from, to) => void outbox.handOver(from, to));
