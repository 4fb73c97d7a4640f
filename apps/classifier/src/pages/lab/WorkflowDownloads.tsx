import { EXPORT_KINDS, type ExportFormat, type ExportKind, TRANSCRIPTION_FORMATS, type WorkflowView } from '@chorus/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { SelectField } from '../../components/FormField';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useClient } from '../../lib/clientContext';
import { type Download, useDownloads } from '../../lib/useDownloads';
import { useForm } from '../../lib/useForm';
import { useLinkedSets } from '../../lib/useLinkedSets';
import { whenInWords } from '../../lib/formats';
import { promptOf } from '../../tasks/registry';
import { FollowedDownloadForm, FormatAndSince, sinceRefused } from './DownloadFields';

/**
 * The workflow's downloads: the consensus (a row per subject) or the raw classifications (a row per classification),
 * in each format the API offers, whole or only what changed since a moment (incremental), and each transcription
 * task's documents, of every set or of the one chosen, listed with their state and, once ready, a link that saves the file.
 */
export function WorkflowDownloads({ workflow }: { workflow: WorkflowView }) {
  const { t } = useTranslation();
  const client = useClient();
  const { downloads, request: requestOfEverySet, follow } = useDownloads(client, workflow.id);
  const linked = useLinkedSets(workflow);
  const [setId, setSetId] = useState('');
  const subjectSet = linked.find((set) => set.id === setId);
  // The chosen set goes with every download but the reports, which are of every set.
  const request: typeof requestOfEverySet = (asked) => requestOfEverySet({ ...asked, ...(subjectSet && asked.kind !== 'subject-reports' ? { subjectSet: { id: subjectSet.id, name: subjectSet.name } } : {}) });
  const form = useForm({ kind: 'consensus', format: 'csv', since: '' }, ['kind', 'format', 'since'] as const);
  const since = form.values.since.trim();
  const [forExcel, setForExcel] = useState(false);
  const [byExternalId, setByExternalId] = useState(false);
  const [metadataAsColumns, setMetadataAsColumns] = useState(false);
  const submit = form.onSubmit({
    check: (t) => sinceRefused(since, t),
    send: () =>
      request({
        kind: form.values.kind as ExportKind,
        format: form.values.format as ExportFormat,
        bom: forExcel,
        since: since || undefined,
        sort: byExternalId ? 'externalId' : undefined,
        metadata: metadataAsColumns ? 'columns' : undefined,
      }),
    refused: () => ({ fields: {}, form: null }),
  });
  return (
    <section className="lab-section" id="downloads" aria-labelledby="lab-downloads-heading">
      <h2 id="lab-downloads-heading">{t('lab.downloads.title')}</h2>
      <p>{t('lab.downloads.lead')}</p>
      {linked.length > 0 && (
        <SelectField id="lab-download-set" label={t('lab.downloads.subjectSet')} hint={t('lab.downloads.subjectSetHint')} value={subjectSet?.id ?? ''} onChange={(event) => setSetId(event.target.value)}>
          <option value="">{t('lab.downloads.allSets')}</option>
          {linked.map((set) => (
            <option key={set.id} value={set.id}>
              {set.name}
            </option>
          ))}
        </SelectField>
      )}
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
      <TranscriptionsDownload tasks={workflow.definition.tasks} request={request} />
      <h3 id="lab-download-list-heading">{t('lab.downloads.listTitle')}</h3>
      <ul className="lab-downloads" aria-labelledby="lab-download-list-heading" aria-live="polite" data-testid="lab-downloads">
        {downloads.length === 0 && <li>{t('lab.downloads.none')}</li>}
        {downloads.map((download) => (
          <DownloadItem key={download.n} download={download} follow={follow} />
        ))}
      </ul>
      <ProjectClassificationsDownload projectId={workflow.projectId} />
    </section>
  );
}

/** Every workflow's raw classifications of the project in one file, for a data team that takes them all at once. */
function ProjectClassificationsDownload({ projectId }: { projectId: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const words = {
    testId: 'lab-project-classifications-download',
    title: t('lab.downloads.projectTitle'),
    lead: t('lab.downloads.projectLead'),
    sinceHint: t('lab.downloads.projectSinceHint'),
    // The workflow's download form is on the page too: the project's fields say whose they are.
    labels: { format: t('lab.downloads.projectFormat'), since: t('lab.downloads.projectSince') },
    submit: t('lab.downloads.projectRequest'),
    started: (format: string) => (t: TFunction) => t('lab.downloads.projectStarted', { format }),
  };
  return <FollowedDownloadForm words={words} link={() => client.projectClassificationsLink(projectId)} />;
}

/**
 * Each transcription task's consensus as documents (the transcriptions download, which a consensus link opens): plain
 * text, a page per subject, IIIF annotations for a viewer, or TEI for a digital edition; nothing for a workflow
 * without a transcription task.
 */
function TranscriptionsDownload({ tasks, request }: { tasks: WorkflowView['definition']['tasks']; request: ReturnType<typeof useDownloads>['request'] }) {
  const { t } = useTranslation();
  const choices = Object.entries(tasks).flatMap(([task, definition]) =>
    definition.type === 'transcription' ? TRANSCRIPTION_FORMATS.map((format) => ({ task, format, value: `${format}:${task}`, named: t('lab.result.taskNamed', { task, prompt: promptOf(definition) }) })) : [],
  );
  const [value, setValue] = useState('');
  const chosen = choices.find((choice) => choice.value === value) ?? choices[0];
  if (!chosen) return null;
  return (
    <>
      <h3 id="lab-transcriptions-download-heading">{t('lab.downloads.transcriptionsTitle')}</h3>
      <p>{t('lab.downloads.transcriptionsLead')}</p>
      <form
        className="account-form"
        noValidate
        aria-labelledby="lab-transcriptions-download-heading"
        onSubmit={(event) => {
          event.preventDefault();
          void request({ kind: 'consensus', task: chosen.task, taskNamed: chosen.named, format: chosen.format, bom: false });
        }}
      >
        <SelectField id="lab-transcriptions-download" label={t('lab.downloads.transcriptionsChoice')} value={chosen.value} onChange={(event) => setValue(event.target.value)}>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {t('lab.downloads.transcriptionsOption', { task: choice.named, format: t(`lab.downloads.formats.${choice.format}`) })}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button-secondary">
          {t('lab.downloads.transcriptionsRequest')}
        </button>
      </form>
    </>
  );
}

function DownloadItem({ download, follow }: { download: Download; follow: (download: Download) => boolean }) {
  const { t } = useTranslation();
  const kind = download.taskNamed ? t('lab.downloads.transcriptionsOf', { task: download.taskNamed }) : t(`lab.downloads.kinds.${download.kind}`);
  const format = t(`lab.downloads.formats.${download.format}`);
  const written = download.since ? t('lab.downloads.whatSince', { kind, format, since: download.since }) : t('lab.downloads.what', { kind, format });
  // Two files of a kind differ only in their rows' order: the list says which one is in the spreadsheet's.
  const ordered = download.sort === 'externalId' ? t('lab.downloads.byExternalIdWhat', { what: written }) : written;
  const columns = download.metadata === 'columns' ? t('lab.downloads.metadataAsColumnsWhat', { what: ordered }) : ordered;
  const what = download.subjectSet ? t('lab.downloads.subjectSetWhat', { what: columns, set: download.subjectSet.name }) : columns;
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
