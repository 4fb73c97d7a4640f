import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadedPart } from './LoadedPart';

type MarkdownModule = typeof import('./Markdown');
let loaded: MarkdownModule | undefined;
let loading: Promise<MarkdownModule> | undefined;

/**
 * Fetches the renderer's chunk (once): a page sure to show Markdown calls it as it opens, so that the renderer is there
 * by the time the text is, which then shows at once instead of after a "Loading…".
 */
export function loadMarkdown(): Promise<MarkdownModule> {
  loading ??= import('./Markdown').then((module) => (loaded = module));
  return loading;
}

const Markdown = lazy(loadMarkdown);

/**
 * Researchers' markdown (field guide, tutorial), with the renderer loaded only when something is shown; its highest
 * headings take `firstLevel` (just below the heading they sit under); `hashtagPath`: where a comment's #hashtags link.
 */
export function MarkdownView({ text, firstLevel, hashtagPath }: { text: string; firstLevel: number; hashtagPath?: (tag: string) => string }) {
  const { t } = useTranslation();
  // Loaded already: shown in this very render (a lazy component would still wait a turn, showing "Loading…"). A text
  // the renderer fails on it shows plain itself; the part's boundary is for its chunk failing to load.
  const Renderer = loaded ? loaded.default : Markdown;
  return (
    <LoadedPart fallback={<p className="loading">{t('markdown.loading')}</p>}>
      <Renderer text={text} firstLevel={firstLevel} hashtagPath={hashtagPath} />
    </LoadedPart>
  );
}
