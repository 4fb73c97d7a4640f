import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

const Markdown = lazy(() => import('./Markdown'));

/** Researchers' markdown (field guide, tutorial), with the renderer loaded only when something is shown. */
export function MarkdownView({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<p className="loading">{t('markdown.loading')}</p>}>
      <Markdown text={text} />
    </Suspense>
  );
}
