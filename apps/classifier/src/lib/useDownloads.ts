import type { ChorusClient, DownloadSort, DownloadMetadata, ExportFormat, ExportKind } from '@chorus/client';
import { useRef, useState } from 'react';
import { describeError, type Problem } from './errors';

/**
 * A download asked for on this page: `preparing` while the API makes its link, then `ready` with the link (which the
 * browser saves as the API streams the file, however large), or `failed` with the reason.
 */
export interface Download {
  n: number;
  kind: ExportKind;
  format: ExportFormat;
  /** A CSV that starts with a byte-order mark, so that Excel reads its accents as UTF-8. */
  bom: boolean;
  /** Only the rows changed at or after this moment (the API's `since`), for an incremental download. */
  since?: string;
  /** The rows in the order of the subjects' externalIds (the API's `sort`), rather than of their ids (consensus and classifications). */
  sort?: DownloadSort;
  /** The subjects' metadata as a column per key (the API's `metadata`), rather than one JSON column (consensus and classifications). */
  metadata?: DownloadMetadata;
  state: 'preparing' | 'ready' | 'failed';
  url?: string;
  expiresAt?: string;
  problem?: Problem;
}

/** The workflow's downloads asked for on this page, newest first. */
export function useDownloads(client: ChorusClient, workflowId: string) {
  const [downloads, setDownloads] = useState<Download[]>([]);
  const count = useRef(0);

  const update = (n: number, change: Partial<Download>) => setDownloads((now) => now.map((download) => (download.n === n ? { ...download, ...change } : download)));

  /** Makes the download's link; with `open`, the browser then follows it (a link that expired, made again). */
  const link = async ({ n, kind, format, bom, since, sort, metadata }: Pick<Download, 'n' | 'kind' | 'format' | 'bom' | 'since' | 'sort' | 'metadata'>, open = false) => {
    try {
      const made = await client.downloadLink(workflowId, kind);
      const query = new URLSearchParams({ format, ...(bom && format === 'csv' ? { bom: 'true' } : {}), ...(since ? { since } : {}), ...(sort && kind !== 'subject-reports' ? { sort } : {}), ...(metadata && kind !== 'subject-reports' ? { metadata } : {}) });
      const url = `${made.url}&${query}`;
      update(n, { state: 'ready', url, expiresAt: made.expiresAt });
      if (open) window.location.assign(url);
    } catch (error) {
      update(n, { state: 'failed', problem: describeError(error) });
    }
  };

  const request = (kind: ExportKind, format: ExportFormat, bom: boolean, since?: string, sort?: DownloadSort, metadata?: DownloadMetadata) => {
    count.current += 1;
    const asked = { n: count.current, kind, format, bom, since, sort, metadata };
    setDownloads((now) => [{ ...asked, state: 'preparing' }, ...now]);
    return link(asked);
  };

  /** A ready download's link, followed: made again first if it has expired since. */
  const follow = (download: Download): boolean => {
    if (Date.parse(download.expiresAt ?? '') > Date.now()) return true;
    void link(download, true);
    return false;
  };
  return { downloads, request, follow };
}
