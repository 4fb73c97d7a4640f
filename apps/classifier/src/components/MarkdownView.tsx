import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadedPart } from './LoadedPart';

const Markdown = lazy(() => import('./Markdown'));

/**
 * Researchers' markdown (field guide, tutorial), with the renderer loaded only when something is shown; its highest
 * headings take `firstLevel` (just below the heading they sit under); `hashtagPath`: where a comment's #hashtags link.
 */
export function MarkdownView({ text, firstLevel, hashtagPath }: { text: string; firstLevel: number; hashtagPath?: (tag: string) => string }) {
  const { t } = useTranslation();
  return (
    <LoadedPart fallback={<p className="loading">{t('markdown.loading')}</p>}>
      <Markdown text={text} firstLevel={firstLevel} hashtagPath={hashtagPath} />
    </LoadedPart>
  );
}
