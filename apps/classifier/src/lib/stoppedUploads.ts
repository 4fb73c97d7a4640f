import type { StoppedUpload } from './partsUpload';

/** What an upload in parts sends: a table's rows (its places lines of the file), or a IIIF document's canvases (its places subjects of the document). */
export type PartsKind = 'table' | 'iiif';

/** An upload in parts that stopped, of which kind, into which set, and where its text is read again: "Try again" goes on from its part. */
export interface Stop {
  upload: StoppedUpload;
  kind: PartsKind;
  contentType: string;
  set: string;
  /** A IIIF document read from its address is read from it again; a file from the file chosen then. */
  address?: string;
  /** The SHA-256 of a file's text (of the list of the manifests chosen), by which the stop is kept on this device. */
  file?: string;
}

/** An upload of a file stopped, kept on this device (`keepStop`) so that the file chosen again, after a reload, goes on from there. */
export interface KeptStop {
  project: string;
  /**
   * The account that sent it (as the outbox's `Owner`): its parts' Idempotency-Keys are that account's, so only it is
   * offered the stop; all are forgotten on signing out (`forgetAllStops`).
   */
  userId: string;
  /** When it stopped (ms since 1970); of one `sending`, when its part went out. */
  stoppedAt: number;
  /**
   * Kept before its part went out (`PartsUpload.sending`), not at a refusal: its page went away while sending it
   * (closed, crashed) unless that page still holds its lock (`whileSending`).
   */
  sending?: true;
  stop: Stop & { file: string };
}

/** How long the API keeps an Idempotency-Key (its `KEY_KEPT_HOURS`): a part sent again later is added anew. */
export const KEY_KEPT_MS = 24 * 60 * 60 * 1000;

/** Versioned: a stop kept in another shape by an earlier lab is never read as one. */
export const STOPS_STORED = 'chorus.stoppedUploads.v1';
/** The stops this device keeps, the newest first: a few uploads left part-way, never a file's text. */
export const STOPS_KEPT = 5;
/**
 * The most one stop may weigh as JSON: its parts' answers without their subject ids are small, but a IIIF upload's list
 * of manifests grows with the document; a stop heavier even so is not kept (its page's "Try again" still goes on).
 */
export const STOP_KEPT_CHARS = 64 * 1024;

/** An upload of a file, as a stop kept is known by: the SHA-256 of the file's text (null where the browser has none), and its set. */
export interface FileUpload {
  file: string | null;
  setId: string;
}

const ofUpload = (one: KeptStop, { file, setId }: FileUpload) => one.stop.file === file && one.stop.upload.setId === setId;

/**
 * The stops kept with `stop` in place of an earlier one of its upload (its file into its set), the newest first, at
 * most `STOPS_KEPT`, an upload going on (`sending`) left out before any stop, the oldest first; without the subject
 * ids of its parts added (the API's, up to 10,000 a part: the page says counts), and left out when heavier than
 * `STOP_KEPT_CHARS` even so.
 */
export function withStop(kept: readonly KeptStop[], stop: KeptStop): KeptStop[] {
  const { sent } = stop.stop.upload;
  const light: KeptStop = { ...stop, stop: { ...stop.stop, upload: { ...stop.stop.upload, sent: { ...sent, added: sent.added && { ...sent.added, subjectIds: [] } } } } };
  const others = withoutStop(kept, { file: stop.stop.file, setId: stop.stop.upload.setId });
  const all = JSON.stringify(light).length > STOP_KEPT_CHARS ? others : [light, ...others];
  const stops = all.filter((one) => !one.sending).length;
  const goingOn = all.filter((one) => one.sending).slice(0, Math.max(0, STOPS_KEPT - stops));
  return all.filter((one) => !one.sending || goingOn.includes(one)).slice(0, STOPS_KEPT);
}

/** The stops kept without that of an upload (sent to its end, or started again). */
export function withoutStop(kept: readonly KeptStop[], upload: FileUpload): KeptStop[] {
  return kept.filter((one) => !ofUpload(one, upload));
}

/** Whose stops are offered: a project's, of the account signed in. */
export interface StopsOf {
  project: string;
  userId: string | null;
}

/** The stops kept of the account signed in, in a project. */
export const stopsOf = (kept: readonly KeptStop[], { project, userId }: StopsOf): KeptStop[] => kept.filter((one) => one.project === project && userId !== null && one.userId === userId);

/** The Web Lock a page holds while it sends an upload of a file (`whileSending`): gone with the page, closed or crashed. */
export const lockOf = ({ file, setId }: FileUpload): string => `chorus.upload ${file} ${setId}`;

/** An upload's lock as its page sends it: `held` by it; `taken`, another page holding it (sending it now); or `none` where the browser has no Web Locks. */
export type SendingLock = 'held' | 'taken' | 'none';

/**
 * Sends an upload of a file holding its lock, where the browser has Web Locks (a secure context, as `crypto.subtle`
 * needs) and no other page holds it, so that another page does not take it for interrupted; `send` is told which
 * (only a page holding it may keep it as going on: another page would offer it as interrupted while it is sent).
 */
export const whileSending = <T>(upload: FileUpload, send: (lock: SendingLock) => Promise<T>): Promise<T> =>
  globalThis.navigator?.locks ? navigator.locks.request(lockOf(upload), { ifAvailable: true }, (lock) => send(lock ? 'held' : 'taken')) : send('none');

/** The locks held by the pages of this browser sending an upload now (`whileSending`). */
export async function sendingNow(): Promise<string[]> {
  const { held = [] } = (await globalThis.navigator?.locks?.query()) ?? {};
  return held.flatMap(({ name }) => (name ? [name] : []));
}

/**
 * The stop kept of a file (by its SHA-256) in a project, of the account signed in: the one into the set chosen, if
 * there is one, else the newest; not one another page is still sending (its lock among `sending`: `sendingNow`).
 */
export function stopOfFile(kept: readonly KeptStop[], of: StopsOf, file: string, setId: string, sending: readonly string[]): KeptStop | null {
  const goingOn = (one: KeptStop) => one.sending && sending.includes(lockOf({ file: one.stop.file, setId: one.stop.upload.setId }));
  const ofFile = stopsOf(kept, of).filter((one) => one.stop.file === file && !goingOn(one));
  return ofFile.find((one) => one.stop.upload.setId === setId) ?? ofFile[0] ?? null;
}

/** The same stop (of the same upload, stopped at the same time, by the same account), as another page may have replaced or forgotten it. */
export const sameStop = (one: KeptStop, other: KeptStop): boolean =>
  one.project === other.project && one.userId === other.userId && one.stoppedAt === other.stoppedAt && ofUpload(one, { file: other.stop.file, setId: other.stop.upload.setId });

/** Whether `stop` is still kept as it was offered: not gone to its end or started again, nor stopped again, in another page. */
export const stillKept = (kept: readonly KeptStop[], stop: KeptStop): boolean => kept.some((one) => sameStop(one, stop));

/**
 * Whether a page may go on from the stop it offered ("Continue from there"), its lock taken (`whileSending`): not while
 * another page sends it (pressed first, it holds the lock before it keeps its part going out), and only while it is
 * still kept as offered: else its rows would be sent twice.
 */
export const mayGoOnFrom = (offered: KeptStop, lock: SendingLock, kept: readonly KeptStop[]): boolean => lock !== 'taken' && stillKept(kept, offered);

/** The stops kept of a project's account into sets the project no longer has (deleted since): forgotten, never offered. */
export const stopsIntoGoneSets = (kept: readonly KeptStop[], of: StopsOf, setIds: readonly string[]): KeptStop[] => stopsOf(kept, of).filter((one) => !setIds.includes(one.stop.upload.setId));

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/** A stop's parts sent, as the page says them and goes on from them (`PartsSent`). */
function isSent(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { rows, total, parts, partsInAll, added, places, warnings } = value;
  const placesRead = places === null || (isObject(places) && isCount(places.first) && isCount(places.last));
  const warningsRead = Array.isArray(warnings) && warnings.every((one) => isObject(one) && isCount(one.first) && isCount(one.last) && Array.isArray(one.warnings));
  const addedRead = added === null || (isObject(added) && isCount(added.created) && isCount(added.addedToSet) && Array.isArray(added.subjectIds));
  return isCount(rows) && isCount(total) && isCount(parts) && isCount(partsInAll) && placesRead && warningsRead && addedRead;
}

/** What storage holds that reads as a kept stop, every field the page says or goes on from (one kept by an older lab, or edited by hand, is left out). */
export function isKeptStop(value: unknown): value is KeptStop {
  if (!isObject(value) || !isObject(value.stop) || !isObject(value.stop.upload)) return false;
  const { project, userId, stoppedAt, sending } = value;
  const { kind, contentType, set, file } = value.stop;
  const { setId, replacing, bytes, from, at, before, sent, withIds, partKey } = value.stop.upload;
  const stopRead = (kind === 'table' || kind === 'iiif') && typeof contentType === 'string' && typeof set === 'string' && typeof file === 'string';
  const uploadRead = typeof setId === 'string' && (replacing === undefined || isObject(replacing)) && isCount(bytes) && bytes > 0 && isCount(from) && isCount(at) && (typeof before === 'string' || (before === null && sending === true)) && typeof withIds === 'boolean' && isSent(sent);
  const keyRead = isObject(partKey) && typeof partKey.sends === 'string' && typeof partKey.key === 'string';
  return typeof project === 'string' && typeof userId === 'string' && isCount(stoppedAt) && (sending === undefined || sending === true) && stopRead && uploadRead && keyRead;
}

/** The browser's storage, or none (disabled). */
function deviceStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The stops kept on this device. */
export function keptStops(storage = deviceStorage()): KeptStop[] {
  try {
    const stored: unknown = JSON.parse(storage?.getItem(STOPS_STORED) ?? '[]');
    return Array.isArray(stored) ? stored.filter(isKeptStop) : [];
  } catch {
    return []; // storage disabled, or not JSON: none kept
  }
}

function store(kept: readonly KeptStop[], storage: Storage | null): void {
  try {
    if (kept.length) storage?.setItem(STOPS_STORED, JSON.stringify(kept));
    else storage?.removeItem(STOPS_STORED);
  } catch {
    // storage disabled or full: the stop lasts as long as its page
  }
}

/** Keeps the stop of an upload of a file on this device (in place of an earlier one of the same upload). */
export const keepStop = (stop: KeptStop, storage = deviceStorage()): void => store(withStop(keptStops(storage), stop), storage);

/** Forgets the stop of an upload: it went to its end, or the researcher started it again. */
export function forgetStop(upload: FileUpload, storage = deviceStorage()): void {
  const kept = keptStops(storage);
  const left = withoutStop(kept, upload);
  if (left.length !== kept.length) store(left, storage);
}

/** Forgets every stop kept on this device: the account signed out, and its Idempotency-Keys are no one else's. */
export const forgetAllStops = (storage = deviceStorage()): void => store([], storage);
