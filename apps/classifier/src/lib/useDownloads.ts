import type { ChorusClient, ExportFormat, ExportKind } from '@chorus/client';
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

  const request = async (kind: ExportKind, format: ExportFormat) => {
    count.current += 1;
    const n = count.current;
    setDownloads((now) => [{ n, kind, format, state: 'preparing' }, ...now]);
    try {
      const link = await client.downloadLink(workflowId, kind);
      update(n, { state: 'ready', url: `${link.url}&format=${format}`, expiresAt: link.expiresAt });
    } catch (error) {
      update(n, { state: 'failed', problem: describeError(error) });
    }
  };
  return { downloads, request };
}
