import { EXPORT_FORMATS, downloadSinceSchema } from '@chorus/client';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { FormField, SelectField } from '../../components/FormField';
import type { useForm } from '../../lib/useForm';

/** A field of a download's form (`useForm`'s `field`). */
type DownloadField = ReturnType<ReturnType<typeof useForm<'format' | 'since'>>['field']>;

/** A download's `since` as typed, trimmed: the field's message when the API could not read it (none when empty: everything). */
export const sinceRefused = (since: string, t: TFunction): { since?: string } =>
  since && !downloadSinceSchema.safeParse(since).success ? { since: t('lab.downloads.sinceInvalid') } : {};

/** The format of a download, and the moment it gives only what changed since (`sinceHint`: what changed means for it). */
export function FormatAndSince({ idPrefix, format, since, sinceHint }: { idPrefix: string; format: DownloadField; since: DownloadField; sinceHint: string }) {
  const { t } = useTranslation();
  return (
    <>
      <SelectField id={`${idPrefix}-format`} label={t('lab.downloads.format')} {...format}>
        {EXPORT_FORMATS.map((each) => (
          <option key={each} value={each}>
            {t(`lab.downloads.formats.${each}`)}
          </option>
        ))}
      </SelectField>
      <FormField id={`${idPrefix}-since`} label={t('lab.downloads.since')} hint={sinceHint} autoComplete="off" spellCheck={false} {...since} />
    </>
  );
}
