import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadedPart } from './LoadedPart';

const Markdown = lazy(() => import('./Markdown'));

/**
 * Researchers' markdown (field guide, tutorial), with the renderer loaded only when something is shown; its highest
 * headings take `firstLevel` (just below the heading they sit under).
 */
export function MarkdownView({ text, firstLevel }: { text: string; firstLevel: number }) {
  const { t } = useTranslation();
  return (
    <LoadedPart fallback={<p className="loading">{t('markdown.loading')}</p>}>
      <Markdown text={text} firstLevel={firstLevel} />
    </LoadedPart>
  );
}
