import type { ChorusClient, ExportFormat, ExportKind } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { describeError, type Problem } from './errors';

/**
 * A download asked for on this page. The API streams each download as it is asked for (it keeps no list of exports):
 * `preparing` while the browser receives it, then `ready` with a local link to save it, or `failed` with the reason.
 */
export interface Download {
  n: number;
  kind: ExportKind;
  format: ExportFormat;
  state: 'preparing' | 'ready' | 'failed';
  filename?: string;
  url?: string;
  problem?: Problem;
}

/** The workflow's downloads asked for on this page, newest first; their links are let go with the page. */
export function useDownloads(client: ChorusClient, workflowId: string) {
  const [downloads, setDownloads] = useState<Download[]>([]);
  const urls = useRef<string[]>([]);
  const count = useRef(0);
  useEffect(
    () => () => {
      for (const url of urls.current) URL.revokeObjectURL(url);
    },
    [],
  );

  const update = (n: number, change: Partial<Download>) => setDownloads((now) => now.map((download) => (download.n === n ? { ...download, ...change } : download)));

  const request = async (kind: ExportKind, format: ExportFormat) => {
    count.current += 1;
    const n = count.current;
    setDownloads((now) => [{ n, kind, format, state: 'preparing' }, ...now]);
    try {
      const file = await client.exportFile(workflowId, kind, format);
      const url = URL.createObjectURL(new Blob([file.text], { type: file.contentType }));
      urls.current.push(url);
      update(n, { state: 'ready', filename: file.filename, url });
    } catch (error) {
      update(n, { state: 'failed', problem: describeError(error) });
    }
  };
  return { downloads, request };
}
