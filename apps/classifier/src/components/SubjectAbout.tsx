import { useTranslation } from 'react-i18next';
import { useResearchersWords } from '../lib/textLanguage';

/** A metadata value as text: a list of strings (a manifest's two authors) one after the other, anything else as JSON. */
function metadataText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('; ');
  return JSON.stringify(value);
}

/** The subject's public metadata (a newspaper's title, a manifest's shelfmark), folded away under "About this subject". */
export function SubjectAbout({ metadata }: { metadata: Record<string, unknown> }) {
  const { t } = useTranslation();
  const researchersWords = useResearchersWords();
  const entries = Object.entries(metadata).filter(([, value]) => value !== null && value !== '');
  if (!entries.length) return null;
  return (
    <details className="subject-about" data-testid="subject-about">
      <summary>{t('subject.about')}</summary>
      <dl>
        {entries.map(([name, value]) => (
          <div key={name}>
            <dt {...researchersWords}>{name}</dt>
            <dd {...researchersWords}>{metadataText(value)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
