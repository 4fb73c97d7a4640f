import { type DownloadLink, EXPORT_FORMATS, type ExportFormat, downloadSinceSchema } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormField, SelectField } from '../../components/FormField';
import type { Saying } from '../../lib/said';
import { useFollowedDownload } from '../../lib/useFollowedDownload';
import { useForm } from '../../lib/useForm';

/** A field of a download's form (`useForm`'s `field`). */
type DownloadField = ReturnType<ReturnType<typeof useForm<'format' | 'since'>>['field']>;

/** A download's `since` as typed, trimmed: the field's message when the API could not read it (none when empty: everything). */
export const sinceRefused = (since: string, t: TFunction): { since?: string } =>
  since && !downloadSinceSchema.safeParse(since).success ? { since: t('lab.downloads.sinceInvalid') } : {};

/** The labels of a download's format and `since`, where another download's share the page. */
interface FormatAndSinceLabels {
  format: string;
  since: string;
}

/**
 * The format of a download, and the moment it gives only what changed since (`sinceHint`: what changed means for it);
 * `labels` where another download's fields share the page, so that each field's label is its own.
 */
export function FormatAndSince({ idPrefix, format, since, sinceHint, labels }: { idPrefix: string; format: DownloadField; since: DownloadField; sinceHint: string; labels?: FormatAndSinceLabels }) {
  const { t } = useTranslation();
  return (
    <>
      <SelectField id={`${idPrefix}-format`} label={labels?.format ?? t('lab.downloads.format')} {...format}>
        {EXPORT_FORMATS.map((each) => (
          <option key={each} value={each}>
            {t(`lab.downloads.formats.${each}`)}
          </option>
        ))}
      </SelectField>
      <FormField id={`${idPrefix}-since`} label={labels?.since ?? t('lab.downloads.since')} hint={sinceHint} autoComplete="off" spellCheck={false} {...since} />
    </>
  );
}

/** What a followed download's form says (each in the reader's language) and where its test finds it (`testId`, its ids' prefix). */
interface FollowedDownloadWords {
  testId: string;
  title: string;
  lead: string;
  sinceHint: string;
  labels?: FormatAndSinceLabels;
  submit: string;
  started(format: string): Saying<string>;
}

/**
 * One of a project's downloads, in the format chosen, whole or only what changed since a moment: each save asks for a
 * new link (`link`) and follows it, with the format and `since` added, so the browser saves the file as it streams and
 * no link goes stale here.
 */
export function FollowedDownloadForm({ words, link }: { words: FollowedDownloadWords; link(): Promise<DownloadLink> }) {
  const form = useForm({ format: 'csv', since: '' }, ['format', 'since'] as const);
  const since = form.values.since.trim();
  const { started, problem, save: follow } = useFollowedDownload();
  const format = form.values.format as ExportFormat;
  const heading = `${words.testId}-heading`;
  const save = form.onSubmit({
    check: (t) => sinceRefused(since, t),
    send: () => follow(async () => `${(await link()).url}&${new URLSearchParams({ format, ...(since ? { since } : {}) })}`, (t) => words.started(t(`lab.downloads.formats.${format}`))(t)),
  });
  return (
    <div className={words.testId} data-testid={words.testId}>
      <h3 id={heading}>{words.title}</h3>
      <p>{words.lead}</p>
      <form className="account-form" noValidate aria-labelledby={heading} onSubmit={(event) => void save(event)}>
        <ErrorAlert problem={problem} />
        <FormatAndSince idPrefix={words.testId} format={form.field('format')} since={form.field('since')} sinceHint={words.sinceHint} labels={words.labels} />
        <button type="submit" className="button button-secondary" aria-disabled={form.busy || undefined}>
          {words.submit}
        </button>
      </form>
      <p role="status" aria-live="polite">
        {started}
      </p>
    </div>
  );
}
