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
  /** When it stopped (ms since 1970). */
  stoppedAt: number;
  stop: Stop & { file: string };
}

const STORED = 'chorus.stoppedUploads';
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
 * most `STOPS_KEPT`; without the subject ids of its parts added (the API's, up to 10,000 a part: the page says counts),
 * and left out when heavier than `STOP_KEPT_CHARS` even so.
 */
export function withStop(kept: readonly KeptStop[], stop: KeptStop): KeptStop[] {
  const { sent } = stop.stop.upload;
  const light: KeptStop = { ...stop, stop: { ...stop.stop, upload: { ...stop.stop.upload, sent: { ...sent, added: sent.added && { ...sent.added, subjectIds: [] } } } } };
  const others = withoutStop(kept, { file: stop.stop.file, setId: stop.stop.upload.setId });
  return (JSON.stringify(light).length > STOP_KEPT_CHARS ? others : [light, ...others]).slice(0, STOPS_KEPT);
}

/** The stops kept without that of an upload (sent to its end, or started again). */
export function withoutStop(kept: readonly KeptStop[], upload: FileUpload): KeptStop[] {
  return kept.filter((one) => !ofUpload(one, upload));
}

/** The stop kept of a file (by its SHA-256) in a project: the one into the set chosen, if there is one, else the newest. */
export function stopOfFile(kept: readonly KeptStop[], project: string, file: string, setId: string): KeptStop | null {
  const ofFile = kept.filter((one) => one.project === project && one.stop.file === file);
  return ofFile.find((one) => one.stop.upload.setId === setId) ?? ofFile[0] ?? null;
}

/** What storage holds that reads as a kept stop (one kept by an older lab, or edited by hand, is left out). */
function isKeptStop(value: unknown): value is KeptStop {
  const one = value as Partial<KeptStop> | null;
  const upload = one?.stop?.upload;
  return typeof one?.project === 'string' && typeof one.stoppedAt === 'number' && typeof one.stop?.file === 'string' && typeof upload?.setId === 'string' && typeof upload.from === 'number' && typeof upload.partKey?.key === 'string';
}

/** The stops kept on this device. */
export function keptStops(): KeptStop[] {
  try {
    const stored: unknown = JSON.parse(window.localStorage.getItem(STORED) ?? '[]');
    return Array.isArray(stored) ? stored.filter(isKeptStop) : [];
  } catch {
    return []; // storage disabled, or not JSON: none kept
  }
}

function store(kept: readonly KeptStop[]): void {
  try {
    if (kept.length) window.localStorage.setItem(STORED, JSON.stringify(kept));
    else window.localStorage.removeItem(STORED);
  } catch {
    // storage disabled or full: the stop lasts as long as its page
  }
}

/** Keeps the stop of an upload of a file on this device (in place of an earlier one of the same upload). */
export const keepStop = (stop: KeptStop): void => store(withStop(keptStops(), stop));

/** Forgets the stop of an upload: it went to its end, or the researcher started it again. */
export function forgetStop(upload: FileUpload): void {
  const kept = keptStops();
  const left = withoutStop(kept, upload);
  if (left.length !== kept.length) store(left);
}
