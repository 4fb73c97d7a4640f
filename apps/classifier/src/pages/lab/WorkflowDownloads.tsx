import { EXPORT_KINDS, type ExportFormat, type ExportKind } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../components/FormField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useClient } from '../../lib/clientContext';
import { type Download, useDownloads } from '../../lib/useDownloads';
import { useForm } from '../../lib/useForm';
import { whenInWords } from '../../lib/formats';
import { FormatAndSince, sinceRefused } from './DownloadFields';

/**
 * The workflow's downloads: the consensus (a row per subject) or the raw classifications (a row per classification),
 * in each format the API offers, whole or only what changed since a moment (incremental), listed with their state
 * and, once ready, a link that saves the file.
 */
export function WorkflowDownloads({ workflowId }: { workflowId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const { downloads, request, follow } = useDownloads(client, workflowId);
  const form = useForm({ kind: 'consensus', format: 'csv', since: '' }, ['kind', 'format', 'since'] as const);
  const since = form.values.since.trim();
  const [forExcel, setForExcel] = useState(false);
  const [byExternalId, setByExternalId] = useState(false);
  const [metadataAsColumns, setMetadataAsColumns] = useState(false);
  const submit = form.onSubmit({
    check: (t) => sinceRefused(since, t),
    send: () => request(form.values.kind as ExportKind, form.values.format as ExportFormat, forExcel, since || undefined, byExternalId ? 'externalId' : undefined, metadataAsColumns ? 'columns' : undefined),
    refused: () => ({ fields: {}, form: null }),
  });
  return (
    <section className="lab-section" aria-labelledby="lab-downloads-heading">
      <h2 id="lab-downloads-heading">{t('lab.downloads.title')}</h2>
      <p>{t('lab.downloads.lead')}</p>
      <form className="account-form" noValidate aria-labelledby="lab-downloads-heading" onSubmit={(event) => void submit(event)}>
        <SelectField id="lab-download-kind" label={t('lab.downloads.kind')} {...form.field('kind')}>
          {EXPORT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`lab.downloads.kinds.${kind}`)}
            </option>
          ))}
        </SelectField>
        <FormatAndSince idPrefix="lab-download" format={form.field('format')} since={form.field('since')} sinceHint={t('lab.downloads.sinceHint')} />
        {form.values.kind !== 'subject-reports' && (
          <label className="lab-checkbox">
            <input type="checkbox" checked={byExternalId} onChange={(event) => setByExternalId(event.target.checked)} /> {t('lab.downloads.byExternalId')}
          </label>
        )}
        {form.values.kind !== 'subject-reports' && (
          <label className="lab-checkbox">
            <input type="checkbox" checked={metadataAsColumns} onChange={(event) => setMetadataAsColumns(event.target.checked)} /> {t('lab.downloads.metadataAsColumns')}
          </label>
        )}
        {form.values.format === 'csv' && (
          <label className="lab-checkbox">
            <input type="checkbox" checked={forExcel} onChange={(event) => setForExcel(event.target.checked)} /> {t('lab.downloads.forExcel')}
          </label>
        )}
        <button type="submit" className="button button-primary" aria-disabled={form.busy || undefined}>
          {t('lab.downloads.request')}
        </button>
      </form>
      <h3 id="lab-download-list-heading">{t('lab.downloads.listTitle')}</h3>
      <ul className="lab-downloads" aria-labelledby="lab-download-list-heading" aria-live="polite" data-testid="lab-downloads">
        {downloads.length === 0 && <li>{t('lab.downloads.none')}</li>}
        {downloads.map((download) => (
          <DownloadItem key={download.n} download={download} follow={follow} />
        ))}
      </ul>
    </section>
  );
}

function DownloadItem({ download, follow }: { download: Download; follow: (download: Download) => boolean }) {
  const { t } = useTranslation();
  const kind = t(`lab.downloads.kinds.${download.kind}`);
  const format = t(`lab.downloads.formats.${download.format}`);
  const written = download.since ? t('lab.downloads.whatSince', { kind, format, since: download.since }) : t('lab.downloads.what', { kind, format });
  // Two files of a kind differ only in their rows' order: the list says which one is in the spreadsheet's.
  const ordered = download.sort === 'externalId' ? t('lab.downloads.byExternalIdWhat', { what: written }) : written;
  const what = download.metadata === 'columns' ? t('lab.downloads.metadataAsColumnsWhat', { what: ordered }) : ordered;
  return (
    <li data-state={download.state}>
      {download.state === 'preparing' && t('lab.downloads.preparing', { what })}
      {download.state === 'ready' && (
        <>
          {t('lab.downloads.ready', { what })}{' '}
          <a
            href={download.url}
            download
            onClick={(event) => {
              if (!follow(download)) event.preventDefault();
            }}
          >
            {t('lab.downloads.save', { time: whenInWords(download.expiresAt!, 'time') })}
          </a>
        </>
      )}
      {download.state === 'failed' && (
        <>
          {t('lab.downloads.failed', { what })}
          <ErrorAlert problem={download.problem ?? null} />
        </>
      )}
    </li>
  );
}
