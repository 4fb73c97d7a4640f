import { type HoldsRenewed, MOST_HELD_NAMED, type QueuedSubject, type QueueView } from '@chorus/client';
import { randomUuid } from './ids';
import { session } from './session';

/** Fetch the next batch in the background once this many subjects or fewer remain locally. */
export const PREFETCH_THRESHOLD = 3;
export const BATCH_SIZE = 10;
/**
 * A page's first batch: one subject more than the prefetch threshold, so the next batch is asked for after the first
 * answer. A visitor who only looks and leaves holds these few subjects until their assignments expire, not ten.
 */
export const FIRST_BATCH_SIZE = PREFETCH_THRESHOLD + 1;

/**
 * How long the server holds a page's first batch: a visitor who only looks holds it for this long, not the full
 * assignment lifetime. Later batches, asked for once the volunteer answers, are held for the lifetime, and renew the
 * holds of the subjects still waiting on the page (the rest of the first batch among them) for the lifetime too, as
 * `useHoldsWhileAtWork` does every few minutes while the volunteer works on one subject.
 */
export const FIRST_BATCH_HOLD_SECONDS = 600;

/**
 * What to ask the queue for next: a first batch, held briefly, until this page has queued any; then full batches,
 * renewing the holds of the subjects waiting here.
 */
export const nextBatchOf = (queue: LocalQueue): { size: number; hold?: number; renew?: string[] } =>
  queue.seen.size === 0 ? { size: FIRST_BATCH_SIZE, hold: FIRST_BATCH_HOLD_SECONDS } : { size: BATCH_SIZE, renew: queue.subjects.map((subject) => subject.id) };

/**
 * The subjects waiting in the browser for one workflow. The head of `subjects` is the one on screen.
 * `seen` holds every subject id this page has ever queued (shown, answered or waiting), so a subject that
 * comes back in a later batch (one fetched while it was still waiting here) is dropped instead of shown twice.
 */
export interface LocalQueue {
  subjects: QueuedSubject[];
  seen: ReadonlySet<string>;
  /** The workflow version of the latest batch; classifications are submitted against it. */
  workflowVersion: number | null;
  /** The server said it has nothing more for this volunteer. */
  finished: boolean;
  reason?: QueueView['reason'];
  /** With `workflow-finished`: who retired the workflow's subjects, its rule or its researchers. */
  retired?: QueueView['retired'];
}

export const emptyQueue: LocalQueue = { subjects: [], seen: new Set(), workflowVersion: null, finished: false };

/** Adds a batch from `GET /workflows/:id/queue`, dropping subjects already seen on this page. */
export function addBatch(queue: LocalQueue, batch: QueueView): { queue: LocalQueue; added: number } {
  const seen = new Set(queue.seen);
  const fresh = batch.subjects.filter((subject) => {
    if (seen.has(subject.id)) return false;
    seen.add(subject.id);
    return true;
  });
  return {
    queue: { subjects: [...queue.subjects, ...fresh], seen, workflowVersion: batch.workflowVersion, finished: batch.finished, reason: batch.reason, retired: batch.retired },
    added: fresh.length,
  };
}

/** Drops the subject on screen once its classification has been stored. */
export function advance(queue: LocalQueue, subjectId: string): LocalQueue {
  return withoutSubjects(queue, new Set([subjectId]));
}

/** The queue without these subjects (answered, or retired meanwhile). */
export function withoutSubjects(queue: LocalQueue, subjectIds: ReadonlySet<string>): LocalQueue {
  return { ...queue, subjects: queue.subjects.filter((subject) => !subjectIds.has(subject.id)) };
}

/**
 * The queue without subjects another tab took, or that it gave back (gone from the workflow): no longer seen here
 * either, so that the server may serve them to this tab again once no tab shows them (the volunteer asks to classify
 * them here after the other tab closed, say, or after researchers unretired them).
 */
export function withoutTaken(queue: LocalQueue, subjectIds: ReadonlySet<string>): LocalQueue {
  if (!queue.subjects.some((subject) => subjectIds.has(subject.id))) return queue;
  return { ...withoutSubjects(queue, subjectIds), seen: new Set([...queue.seen].filter((id) => !subjectIds.has(id))) };
}

/**
 * The queue with the subjects `corrected` names shown at their new addresses (researchers corrected their locations;
 * the same content), or the same queue when none of those it holds changed.
 */
export function withCorrections(queue: LocalQueue, corrected: HoldsRenewed['corrected']): LocalQueue {
  const now = new Map(corrected.map((subject) => [subject.id, subject.locations]));
  const changed = (subject: QueuedSubject) => now.has(subject.id) && JSON.stringify(now.get(subject.id)) !== JSON.stringify(subject.locations);
  if (!queue.subjects.some(changed)) return queue;
  return { ...queue, subjects: queue.subjects.map((subject) => (changed(subject) ? { ...subject, locations: now.get(subject.id)! } : subject)) };
}

export function needsPrefetch(queue: LocalQueue): boolean {
  return !queue.finished && queue.subjects.length <= PREFETCH_THRESHOLD;
}

/**
 * The local batch survives a reload: the server hands each subject to a volunteer once (an outstanding
 * assignment), so subjects prefetched before a reload would otherwise never come back to this volunteer, and the
 * draft of the one on screen with them.
 *
 * Each tab keeps a batch of its own, so that two tabs of one volunteer never show the same subjects (the server
 * gives each tab's fetches different ones). It is stored under the tab's id, which sessionStorage keeps across a
 * reload, and the record stays while the tab is open, even empty. While the page is open the record is marked alive;
 * when the page goes away it is released, so that the reloaded page takes its batch back and a tab opened after a
 * tab was closed adopts the closed tab's batch. A page that dies without going away (its renderer crashed, a phone
 * discarded the tab, the browser was killed) releases nothing: its record names the page, and the Web Lock the page
 * held for as long as it lived (`livePages`), which the browser lets go of when the page dies, says it is gone, so the
 * page opened next adopts its batch at once rather than after `ABANDONED_AFTER_MS`. A duplicated tab, whose
 * sessionStorage is a copy, finds the record alive in the other tab and takes a new id. A tab whose batch was adopted
 * while it was frozen or hidden (it looked abandoned) finds a note saying so when it wakes, and drops the adopted
 * subjects.
 *
 * A batch is the volunteer's who fetched it (the server reserved its subjects for them, and serves them to nobody else
 * meanwhile, not even to them again): it carries their user id, and only they take it back or adopt it. A tab where
 * someone else signs in or out sets the batch it held aside, released, for its volunteer to adopt when they sign in
 * again; one nobody has adopted for a day is dropped. A guest never signs in again once an account has taken its
 * place (its token is gone): its batches are given back to the server then (`releaseBatchesOf`).
 */
const STORED_PREFIX = 'chorus.queue.';
/** Between a workflow's id and a chosen set's in a queue's id. */
const SET_MARK = '~';
const TAB_ID_KEY = 'chorus.tab';
/**
 * How often an open page marks its batch alive, and after how long without that it counts as abandoned: long enough
 * for a hidden tab, whose timers Chromium may run only once a minute.
 */
const ALIVE_EVERY_MS = 20_000;
const ABANDONED_AFTER_MS = 3 * 60_000;
/** How long the note that a batch was adopted waits for its tab to wake, and another volunteer's batch for them. */
const ADOPTION_NOTE_KEPT_MS = 24 * 3600_000;

interface StoredBatch {
  subjects?: QueuedSubject[];
  workflowVersion?: number | null;
  /** When the page holding it last said it was open; 0 once released. Absent in batches stored before tabs had their own. */
  aliveAt?: number;
  /** Left in place of a batch another tab adopted: which subjects went, and when. */
  adopted?: { subjectIds: string[]; at: number };
  /** The user id of the volunteer it was fetched for. Absent in batches stored before accounts: anyone's. */
  owner?: string | null;
  /** When its page let it go (aliveAt 0). */
  releasedAt?: number;
  /** The id of the page (document) that keeps it: alive only while that page's lock is held. Absent in older records. */
  page?: string;
}

function parsed(raw: string | null): StoredBatch | undefined {
  try {
    return raw ? (JSON.parse(raw) as StoredBatch) : undefined;
  } catch {
    return undefined;
  }
}

function readBatch(key: string): StoredBatch | undefined {
  try {
    return parsed(window.localStorage.getItem(key));
  } catch {
    return undefined;
  }
}

function writeBatch(key: string, batch: StoredBatch): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(batch));
  } catch {
    // storage full or disabled: the batch lives as long as the page
  }
}

/** The records this page (this document, not a duplicate of its tab) has kept its batches under, by workflow and tab id. */
const keysOfThisPage = new Set<string>();

/** How long at most a page's first queue request keeps the other pages of the device from asking theirs (`askFirst`). */
const FIRST_ASK_HELD_MS = 10_000;
const noop = () => undefined;

/** This page's (this document's) id, which its records name; the Web Lock named for it lives as long as the page. */
const PAGE_ID = randomUuid();
const PAGE_LOCK_PREFIX = 'chorus.page.';
let pageLock: Promise<boolean> | undefined;

/**
 * Holds, for as long as this page lives, the Web Lock named for it: the browser lets go of it when the page dies in any
 * way, a crash or a discarded tab included, where no event lets the page say so. Resolves once it is held (false: the
 * browser has no Web Locks, outside a secure context say).
 */
function holdPageLock(): Promise<boolean> {
  pageLock ??= new Promise<boolean>((held) => {
    try {
      if (!navigator.locks) return held(false);
      navigator.locks
        .request(`${PAGE_LOCK_PREFIX}${PAGE_ID}`, () => {
          held(true);
          return new Promise<never>(() => undefined);
        })
        .catch(() => held(false));
    } catch {
      held(false);
    }
  });
  return pageLock;
}

/** The ids of the pages of this site in this browser that live now (this one among them); null when the browser cannot tell. */
async function livePages(): Promise<ReadonlySet<string> | null> {
  if (!(await holdPageLock())) return null;
  try {
    const { held = [] } = await navigator.locks.query();
    return new Set(held.flatMap((lock) => (lock.name?.startsWith(PAGE_LOCK_PREFIX) ? [lock.name.slice(PAGE_LOCK_PREFIX.length)] : [])));
  } catch {
    return null;
  }
}

/**
 * A batch whose page says it is open: marked alive lately, and, where the browser can tell (`live`), kept by a page
 * that still lives. A page that died marked it alive moments before, and never released it.
 */
const isAlive = (batch: StoredBatch | undefined, live: ReadonlySet<string> | null) =>
  !!batch && Date.now() - (batch.aliveAt ?? 0) < ABANDONED_AFTER_MS && (!live || !batch.page || live.has(batch.page));

/**
 * The keys of the batches of one queue kept on this device (every tab's, and the one all tabs shared before): a
 * workflow's, or a chosen set's (`<workflow id>~<set id>`); with `everySet`, a workflow's and those of all its sets.
 */
function batchKeysOf(queueId: string, { everySet = false } = {}): string[] {
  const keys = Array.from({ length: window.localStorage.length }, (_, index) => window.localStorage.key(index));
  return keys.filter((key): key is string => !!key && isBatchOf(key, queueId, { everySet }));
}

/** Whether a key in storage is that of a batch of this queue (with `everySet`, or of a set of its workflow). */
const isBatchOf = (key: string, queueId: string, { everySet = false } = {}) =>
  key === `${STORED_PREFIX}${queueId}` || key.startsWith(`${STORED_PREFIX}${queueId}.`) || (everySet && key.startsWith(`${STORED_PREFIX}${queueId}${SET_MARK}`));

/** Leaves, in the place of a batch another tab takes over, the note that its own tab reads (at once if it lives) to drop them. */
function leaveAdoptionNote(key: string, batch: StoredBatch): void {
  writeBatch(key, { aliveAt: 0, adopted: { subjectIds: idsOf(batch), at: Date.now() } });
}

/** Subjects another tab took from this one's batch: to classify them there (`adopted`), or answered there. */
export interface TakenElsewhere {
  ids: ReadonlySet<string>;
  why: 'adopted' | 'answered';
}

/**
 * The subjects a volunteer answered lately in one workflow on this device, whichever tab answered them: each tab drops
 * them from its batch when told (a `storage` event) or when it wakes, rather than another tab rewriting the record of a
 * tab that lives (which may have just written subjects of its own there).
 */
const ANSWERED_PREFIX = 'chorus.answered.';
const ANSWERED_KEPT = 50;
interface Answered {
  id: string;
  owner: string | null;
  at: number;
}

function readAnswered(key: string): Answered[] {
  try {
    const list = JSON.parse(window.localStorage.getItem(key) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((entry): entry is Answered => typeof entry?.id === 'string') : [];
  } catch {
    return [];
  }
}

/** The ids of a stored batch's subjects. */
const idsOf = (batch: StoredBatch | undefined) => (Array.isArray(batch?.subjects) ? batch.subjects.map((subject) => subject?.id) : []).filter((id): id is string => typeof id === 'string');

/** Several batches as one: each subject once, in their order, under the newest workflow version any was fetched for. */
function merged(batches: StoredBatch[]): StoredBatch | undefined {
  if (!batches.length) return undefined;
  const versions = batches.map((batch) => batch.workflowVersion ?? null).filter((version) => version !== null);
  const subjects = [...new Map(batches.flatMap((batch) => batch.subjects ?? []).map((subject) => [subject.id, subject])).values()];
  return { subjects, workflowVersion: versions.length ? Math.max(...versions) : null };
}

function toQueue(batch: StoredBatch | undefined): LocalQueue {
  const subjects = Array.isArray(batch?.subjects) ? batch.subjects.filter((subject) => typeof subject?.id === 'string') : [];
  return { subjects, seen: new Set(subjects.map((subject) => subject.id)), workflowVersion: batch?.workflowVersion ?? null, finished: false };
}

/** The batch of one workflow (or of a subject set of it the volunteer chose) in this tab, in localStorage under the tab's own key (once `load` has chosen it). */
export class TabQueueStore {
  private key: string | null = null;
  private queue: LocalQueue = emptyQueue;
  /**
   * Subjects other tabs took (adopted or answered): never shown here again, whatever an answer begun before they went
   * brings back, unless the server serves them to this page anew (`servedAgain`).
   */
  private readonly taken = new Set<string>();
  private loading: Promise<LocalQueue> | undefined;

  /**
   * `queueId` is the workflow's id, or for a subject set the volunteer chose, `<workflow id>~<set id>`, whose batches
   * are kept apart (a set's page adopts no other page's subjects); `owner` is the volunteer's user id, or null when it
   * is unknown. The server holds a volunteer's subjects per workflow, whichever page asked: what keeps two pages from
   * showing one subject (whether this page is alone, the first ask, answers, open tabs) looks at every page of the workflow.
   */
  constructor(
    private readonly queueId: string,
    private readonly owner: string | null = null,
  ) {
    this.workflowId = queueId.split(SET_MARK)[0]!;
  }

  private readonly workflowId: string;

  /** The keys of the batches of every page of the workflow on this device, whole or a set of it. */
  private workflowBatchKeys(): string[] {
    return batchKeysOf(this.workflowId, { everySet: true });
  }

  /**
   * This tab's batch: its own from before a reload, else those closed tabs (or pages that died) left behind, else
   * none; only the volunteer's own. The subjects `begun` says the volunteer started (a draft waits for them) come first.
   * Once only: asked again, it answers the same.
   */
  load(begun: (subjectId: string) => boolean = () => false): Promise<LocalQueue> {
    this.loading ??= (async () => {
      // Once this page's lock is held, and which pages live: a page that died, but marked its batch alive, is not one.
      const live = await livePages();
      this.key = `${STORED_PREFIX}${this.queueId}.${this.tabId(live)}`;
      const own = readBatch(this.key);
      const kept = !!own?.subjects?.length && !own.adopted;
      // Someone else's, left in this tab when they signed out (or in): theirs to take back, elsewhere in storage.
      if (kept && !this.owns(own)) writeBatch(`${STORED_PREFIX}${this.queueId}.${randomUuid()}`, { ...own, aliveAt: 0, releasedAt: Date.now() });
      const queue = toQueue(kept && this.owns(own) ? own : this.adoptAbandoned(live));
      this.queue = { ...queue, subjects: [...queue.subjects.filter((subject) => begun(subject.id)), ...queue.subjects.filter((subject) => !begun(subject.id))] };
      this.write(Date.now());
      return this.queue;
    })();
    return this.loading;
  }

  /**
   * Asks the queue for this page's first subjects (`ask`), one page of the device at a time per workflow (a Web Lock),
   * telling `ask` whether this page may take over the volunteer's holds (`resume`): only when the browser can tell which
   * pages live, and no other live page here keeps a batch of the workflow, so no page that lives shows those subjects
   * (the server cannot tell pages apart). A page that begins meanwhile keeps its record first, and asks after this one.
   */
  askFirst<T>(ask: (resume: boolean) => Promise<T>): Promise<T> {
    let answer: Promise<T> | undefined;
    try {
      if (!navigator.locks) return ask(false);
      const asked = navigator.locks.request(`chorus.first.${this.workflowId}`, async () => {
        answer = ask(await this.alone());
        // Held until the server has answered (and assigned what it serves), or a few seconds at most: a server that
        // does not answer keeps no other page waiting for long.
        await Promise.race([answer.then(noop, noop), new Promise((resolve) => setTimeout(resolve, FIRST_ASK_HELD_MS))]);
      });
      return asked.then(
        () => answer!,
        () => answer ?? ask(false),
      );
    } catch {
      return answer ?? ask(false);
    }
  }

  /** No page of this device but this one keeps a batch of the workflow that is alive, as far as the browser can tell. */
  private async alone(): Promise<boolean> {
    const live = await livePages();
    if (!live || !this.key) return false;
    try {
      return !this.workflowBatchKeys().some((key) => key !== this.key && isAlive(readBatch(key), live));
    } catch {
      return false;
    }
  }

  /** Stores the batch; answers what this tab keeps of it, without any subjects another tab has adopted meanwhile. */
  save(queue: LocalQueue): LocalQueue {
    this.queue = this.withoutAdopted(queue);
    this.write(Date.now());
    return this.queue;
  }

  /**
   * Marks the batch alive until the page goes away, then releases it; `onAdopted` gets what is left of the batch, and
   * the ids taken, when another tab took some of it: adopted it (while this one slept, or at the volunteer's asking), or
   * answered one this tab also kept. Returns the way to stop (on unmount).
   */
  keepAlive(onAdopted: (queue: LocalQueue, taken: TakenElsewhere) => void): () => void {
    const alive = () => {
      const before = this.queue;
      const kept = this.withoutAdopted(before);
      this.queue = kept;
      this.write(Date.now());
      if (kept === before) return;
      const left = new Set(kept.subjects.map((subject) => subject.id));
      const gone = new Set(before.subjects.map((subject) => subject.id).filter((id) => !left.has(id)));
      const answered = this.answeredIn(readAnswered(this.answeredKey)).ids;
      onAdopted(kept, { ids: gone, why: [...gone].some((id) => answered.has(id)) ? 'answered' : 'adopted' });
    };
    // Another live tab of this device adopted subjects of this one, or answered some it also kept: dropped here at once.
    const onStorage = (event: StorageEvent) => {
      if (!this.key || event.storageArea !== window.localStorage) return;
      const taken = event.key === this.key ? this.adoptedIn(parsed(event.newValue)) : event.key === this.answeredKey ? this.answeredIn(readAnswered(event.key)) : undefined;
      if (!taken?.ids.size) return;
      for (const id of taken.ids) this.taken.add(id);
      if (!this.queue.subjects.some((subject) => taken.ids.has(subject.id))) return;
      this.queue = withoutTaken(this.queue, taken.ids);
      this.write(Date.now());
      onAdopted(this.queue, taken);
    };
    const release = () => this.write(0);
    const onVisible = () => document.visibilityState === 'visible' && alive();
    alive();
    const timer = setInterval(alive, ALIVE_EVERY_MS);
    window.addEventListener('pagehide', release);
    window.addEventListener('storage', onStorage);
    // A page restored from the back-forward cache, or shown again, is open again.
    window.addEventListener('pageshow', alive);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', release);
      window.removeEventListener('storage', onStorage);
      window.removeEventListener('pageshow', alive);
      document.removeEventListener('visibilitychange', onVisible);
      release();
    };
  }

  /** Calls `changed` whenever another tab of this device changes a batch of the workflow (or of a set of it); returns the way to stop. */
  onOtherTabsChange(changed: () => void): () => void {
    const onStorage = (event: StorageEvent) => !!event.key && isBatchOf(event.key, this.workflowId, { everySet: true }) && changed();
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }

  /**
   * Whether another tab of this device that lives keeps subjects of the workflow for this volunteer: `here` when one
   * of the same page (the whole workflow, or the same set) does, whose subjects may move here; `elsewhere` when only
   * pages of another kind do; null when none does (or it is unknown).
   */
  async keptByOpenTabs(): Promise<'here' | 'elsewhere' | null> {
    const open = await this.openTabBatches();
    if (open.some(({ key }) => isBatchOf(key, this.queueId))) return 'here';
    return open.length ? 'elsewhere' : null;
  }

  /**
   * Moves here the subjects that this volunteer's other live tabs on this device keep for the workflow (the volunteer
   * asked to classify them here, in this tab): each tab finds a note and drops them at once (`keepAlive`), and the
   * server's holds, the volunteer's, stay as they are. Answers the queue then, or null when no live tab here keeps any.
   */
  async adoptFromOpenTabs(): Promise<LocalQueue | null> {
    const open = (await this.openTabBatches()).filter(({ key }) => isBatchOf(key, this.queueId));
    if (!open.length) return null;
    for (const { key, batch } of open) leaveAdoptionNote(key, batch);
    const adopted = toQueue(merged(open.map(({ batch }) => batch)));
    // Taken from this tab once, perhaps (the volunteer moved them there, and now back here): this tab's again.
    this.servedAgain([...adopted.seen]);
    const fresh = adopted.subjects.filter((subject) => !this.queue.subjects.some((kept) => kept.id === subject.id));
    return this.save({
      ...this.queue,
      subjects: [...this.queue.subjects, ...fresh],
      seen: new Set([...this.queue.seen, ...adopted.seen]),
      workflowVersion: Math.max(this.queue.workflowVersion ?? 0, adopted.workflowVersion ?? 0) || null,
      finished: false,
    });
  }

  /** The batches with subjects that this volunteer's other tabs of this device keep for the workflow (or a set of it) and that live. */
  private async openTabBatches(): Promise<{ key: string; batch: StoredBatch }[]> {
    const live = await livePages();
    try {
      return this.liveBatches(live);
    } catch {
      return [];
    }
  }

  /** `openTabBatches`, as far as `live` tells which pages live. */
  private liveBatches(live: ReadonlySet<string> | null): { key: string; batch: StoredBatch }[] {
    return this.workflowBatchKeys().flatMap((key) => {
      const batch = readBatch(key);
      return key !== this.key && batch && !batch.adopted && idsOf(batch).length && this.owns(batch) && isAlive(batch, live) ? [{ key, batch }] : [];
    });
  }

  /**
   * As the page goes away: takes out of the batch the subjects `given` picks, of those this tab still has (not adopted
   * by another), lets the batch go, and answers their ids, for the server to have back.
   */
  giveBack(given: (subjectId: string) => boolean): string[] {
    const kept = this.withoutAdopted(this.queue);
    const ids = new Set(kept.subjects.filter((subject) => given(subject.id)).map((subject) => subject.id));
    this.queue = { ...kept, subjects: kept.subjects.filter((subject) => !ids.has(subject.id)) };
    this.write(0);
    return [...ids];
  }

  /**
   * Takes an answered subject out of every batch of this volunteer in this workflow kept here, not only this tab's: a
   * record left behind (a page that died, or one this tab held before) would otherwise show it again when adopted. The
   * records of other tabs that live are theirs to write: they are told (`ANSWERED_PREFIX`), and drop it themselves.
   */
  forget(subjectId: string): void {
    try {
      this.dropFromRecords(new Set([subjectId]), true);
      const lately = readAnswered(this.answeredKey).filter((entry) => Date.now() - entry.at < ADOPTION_NOTE_KEPT_MS);
      window.localStorage.setItem(this.answeredKey, JSON.stringify([...lately, { id: subjectId, owner: this.owner, at: Date.now() }].slice(-ANSWERED_KEPT)));
    } catch {
      // storage disabled or full: nothing kept
    }
    this.queue = withoutSubjects(this.queue, new Set([subjectId]));
  }

  /**
   * Subjects the server served this page that records left behind by pages of the workflow that are gone may still list
   * (a set's page the volunteer left for the whole workflow's, say, then served them here on resuming): taken out of
   * them, so that no page that adopts such a record later shows them too.
   */
  takeFromLeftBehind(subjectIds: readonly string[]): void {
    if (!subjectIds.length) return;
    try {
      this.dropFromRecords(new Set(subjectIds), false);
    } catch {
      // storage disabled or full: nothing kept to adopt either
    }
  }

  /** Takes `ids` out of this volunteer's records of the workflow here but those of live tabs, and this tab's unless `withOwn`. */
  private dropFromRecords(ids: ReadonlySet<string>, withOwn: boolean): void {
    for (const key of this.workflowBatchKeys()) {
      const batch = readBatch(key);
      if (!batch?.subjects?.some((subject) => ids.has(String(subject?.id))) || !this.owns(batch)) continue;
      if (key === this.key ? !withOwn : isAlive(batch, null)) continue;
      writeBatch(key, { ...batch, subjects: batch.subjects.filter((subject) => !ids.has(String(subject?.id))) });
    }
  }

  /** Subjects served to this page anew (by the server, or moved here): its own again, though another tab took them once. */
  servedAgain(subjectIds: readonly string[]): void {
    for (const id of subjectIds) this.taken.delete(id);
  }

  private get answeredKey(): string {
    return `${ANSWERED_PREFIX}${this.workflowId}`;
  }

  /** What an adoption note in this tab's record says another tab took. */
  private adoptedIn(record: StoredBatch | undefined): TakenElsewhere | undefined {
    return record?.adopted ? { ids: new Set(record.adopted.subjectIds), why: 'adopted' } : undefined;
  }

  /** The subjects this volunteer answered lately in other tabs, of those the list names. */
  private answeredIn(list: Answered[]): TakenElsewhere {
    return { ids: new Set(list.filter((entry) => entry.owner === this.owner).map((entry) => entry.id)), why: 'answered' };
  }

  /**
   * The queue without the subjects other tabs took from this one: those it was told of, and those an adoption note in its
   * record or the list of subjects answered lately names (the same queue if none).
   */
  private withoutAdopted(queue: LocalQueue): LocalQueue {
    if (!this.key) return queue;
    for (const taken of [this.adoptedIn(readBatch(this.key)), this.answeredIn(readAnswered(this.answeredKey))]) for (const id of taken?.ids ?? []) this.taken.add(id);
    return withoutTaken(queue, this.taken);
  }

  private write(aliveAt: number): void {
    if (!this.key) return; // not loaded yet: nothing of this page's to keep
    writeBatch(this.key, {
      subjects: this.queue.subjects,
      workflowVersion: this.queue.workflowVersion,
      aliveAt,
      owner: this.owner,
      page: PAGE_ID,
      ...(aliveAt === 0 ? { releasedAt: Date.now() } : {}),
    });
  }

  private owns(batch: StoredBatch): boolean {
    return !batch.owner || batch.owner === this.owner;
  }

  /**
   * This tab's id, new when there is none or when another open tab keeps its batch under it (a duplicated tab). A batch
   * kept alive by this very page (the classify page opened anew, for a new volunteer, say, whose store is made before
   * the old one lets go) is not another tab's: it is the same record, not a second one left behind with stale subjects.
   */
  private tabId(live: ReadonlySet<string> | null): string {
    try {
      const kept = window.sessionStorage.getItem(TAB_ID_KEY);
      if (kept && (keysOfThisPage.has(`${this.queueId}.${kept}`) || !isAlive(readBatch(`${STORED_PREFIX}${this.queueId}.${kept}`), live))) {
        keysOfThisPage.add(`${this.queueId}.${kept}`);
        return kept;
      }
      const id = randomUuid();
      window.sessionStorage.setItem(TAB_ID_KEY, id);
      keysOfThisPage.add(`${this.queueId}.${id}`);
      return id;
    } catch {
      return randomUuid();
    }
  }

  /**
   * Takes over the volunteer's batches of tabs that are gone (or the one batch that all tabs shared before), all of them
   * in one but the subjects a live tab keeps, leaving a note in the place of each; drops the records of empty abandoned
   * batches, old notes and batches of other volunteers left for over a day, on the way.
   */
  private adoptAbandoned(live: ReadonlySet<string> | null): StoredBatch | undefined {
    const adopted: StoredBatch[] = [];
    try {
      for (const key of batchKeysOf(this.queueId)) {
        if (key === this.key) continue;
        const batch = readBatch(key);
        if (!batch || isAlive(batch, live)) continue;
        const forgotten = !this.owns(batch) && Date.now() - (batch.releasedAt ?? Date.now()) > ADOPTION_NOTE_KEPT_MS;
        if (batch.adopted ? Date.now() - batch.adopted.at > ADOPTION_NOTE_KEPT_MS : !batch.subjects?.length || forgotten) {
          window.localStorage.removeItem(key);
          continue;
        }
        if (batch.adopted || !this.owns(batch)) continue;
        leaveAdoptionNote(key, batch);
        adopted.push(batch);
      }
      // A live page of another kind shows them (the whole workflow's page served what a set's page left behind, say).
      const shown = new Set(this.liveBatches(live).flatMap(({ batch }) => idsOf(batch)));
      const batch = merged(adopted);
      return batch && { ...batch, subjects: batch.subjects?.filter((subject) => !shown.has(subject.id)) };
    } catch {
      // storage disabled: nothing (more) to adopt
    }
    return merged(adopted);
  }
}

/**
 * Gives back to the server the batches fetched for a guest who will never come back on this device (an account signed
 * in in its place, and the guest's token went with it), so that other volunteers have their subjects now rather than
 * when the holds lapse. Their records here go (a tab still open on one may write it again, harmlessly: nobody adopts
 * it); `release` is not waited for, and is given at most `MOST_HELD_NAMED` subjects at a time, as the API takes.
 */
export function releaseBatchesOf(owner: string, release: (workflowId: string, subjectIds: string[]) => Promise<unknown>): void {
  try {
    const keys = Array.from({ length: window.localStorage.length }, (_, index) => window.localStorage.key(index));
    for (const key of keys) {
      if (!key?.startsWith(STORED_PREFIX)) continue;
      const batch = readBatch(key);
      if (batch?.owner !== owner) continue;
      window.localStorage.removeItem(key);
      const [workflowId] = key.slice(STORED_PREFIX.length).split(/[.~]/);
      const subjectIds = (batch.subjects ?? []).map((subject) => subject.id);
      for (let from = 0; from < subjectIds.length; from += MOST_HELD_NAMED) {
        void release(workflowId!, subjectIds.slice(from, from + MOST_HELD_NAMED)).catch(() => undefined);
      }
    }
  } catch {
    // storage disabled: nothing kept, so nothing to give back
  }
}

/** Batches fetched for a guest the server no longer accepts become the batches of the guest that replaced it on this device. */
export function handOverBatches(from: string | null, to: string | null): void {
  if (!from) return;
  try {
    for (let index = 0; index < window.localStorage.length; index += 1) {
      const key = window.localStorage.key(index);
      if (!key?.startsWith(STORED_PREFIX)) continue;
      const batch = readBatch(key);
      if (batch?.owner === from) writeBatch(key, { ...batch, owner: to });
    }
  } catch {
    // storage disabled: nothing kept
  }
}

session.onGuestReplaced((from, to) => handOverBatches(from.userId, to.userId));
