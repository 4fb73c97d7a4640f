import type { ChorusClient, DownloadSort, DownloadMetadata, ExportFormat, ExportKind, TranscriptionFormat } from '@chorus/client';
import { useRef, useState } from 'react';
import { describeError, type Problem } from './errors';

/**
 * A download asked for on this page: `preparing` while the API makes its link, then `ready` with the link (which the
 * browser saves as the API streams the file, however large), or `failed` with the reason.
 */
export interface Download {
  n: number;
  kind: ExportKind;
  /** A transcription task's key: its consensus as documents (the transcriptions download, which a consensus link opens). */
  task?: string;
  /** The task as the choice named it (its instruction and key), for the list. */
  taskNamed?: string;
  format: ExportFormat | TranscriptionFormat;
  /** A CSV that starts with a byte-order mark, so that Excel reads its accents as UTF-8. */
  bom: boolean;
  /** Only the rows changed at or after this moment (the API's `since`), for an incremental download. */
  since?: string;
  /** The rows in the order of the subjects' externalIds (the API's `sort`), rather than of their ids (consensus and classifications). */
  sort?: DownloadSort;
  /** The subjects' metadata as a column per key (the API's `metadata`), rather than one JSON column (consensus and classifications). */
  metadata?: DownloadMetadata;
  /** Only the subjects of this set (the API's `subjectSetId`, which the link carries), named as the list says it; not for the reports. */
  subjectSet?: { id: string; name: string };
  state: 'preparing' | 'ready' | 'failed';
  url?: string;
  expiresAt?: string;
  problem?: Problem;
}

/** What is asked for a download: all it is but its number on the page and its state. */
type DownloadAsked = Pick<Download, 'kind' | 'task' | 'taskNamed' | 'format' | 'bom' | 'since' | 'sort' | 'metadata' | 'subjectSet'>;

/** A download's address: the link the API made for its kind, with what was asked added (a task's documents, the consensus link's path changed). */
function addressOf(made: string, { kind, task, format, bom, since, sort, metadata }: DownloadAsked): string {
  if (task) return transcriptionsAddress(made, task, format);
  const query = new URLSearchParams({ format, ...(bom && format === 'csv' ? { bom: 'true' } : {}), ...(since ? { since } : {}), ...(sort && kind !== 'subject-reports' ? { sort } : {}), ...(metadata && kind !== 'subject-reports' ? { metadata } : {}) });
  return `${made}&${query}`;
}

/** A consensus link made the transcriptions download of a task: its last path segment changed, refused if it is not `consensus`. */
function transcriptionsAddress(made: string, task: string, format: string): string {
  const url = new URL(made, window.location.origin); // the API's link is from the server's root
  const segments = url.pathname.split('/');
  // An answer this page cannot read (told as such), rather than a link to a download nobody asked for.
  if (segments.at(-1) !== 'consensus') throw new SyntaxError(url.pathname);
  url.pathname = [...segments.slice(0, -1), 'transcriptions'].join('/');
  url.searchParams.set('task', task);
  url.searchParams.set('format', format);
  return `${url.pathname}${url.search}`;
}

/** The workflow's downloads asked for on this page, newest first. */
export function useDownloads(client: ChorusClient, workflowId: string) {
  const [downloads, setDownloads] = useState<Download[]>([]);
  const count = useRef(0);

  const update = (n: number, change: Partial<Download>) => setDownloads((now) => now.map((download) => (download.n === n ? { ...download, ...change } : download)));

  /** Makes the download's link; with `open`, the browser then follows it (a link that expired, made again). */
  const link = async ({ n, ...asked }: DownloadAsked & Pick<Download, 'n'>, open = false) => {
    try {
      const made = await client.downloadLink(workflowId, { kind: asked.kind, subjectSetId: asked.subjectSet?.id });
      const url = addressOf(made.url, asked);
      update(n, { state: 'ready', url, expiresAt: made.expiresAt });
      if (open) window.location.assign(url);
    } catch (error) {
      update(n, { state: 'failed', problem: describeError(error) });
    }
  };

  const request = (asked: DownloadAsked) => {
    count.current += 1;
    const numbered = { n: count.current, ...asked };
    setDownloads((now) => [{ ...numbered, state: 'preparing' }, ...now]);
    return link(numbered);
  };

  /** A ready download's link, followed: made again first if it has expired since. */
  const follow = (download: Download): boolean => {
    if (Date.parse(download.expiresAt ?? '') > Date.now()) return true;
    void link(download, true);
    return false;
  };
  return { downloads, request, follow };
}
