import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { researchersWords } from '../lib/textLanguage';

/**
 * A project's image (its researchers set it in the lab), on its cards, its page and the lab's preview: loaded only when
 * it comes near the screen, in a box of fixed proportions that is there before it (nothing below moves when it comes),
 * read out by its description, in the researchers' language. When it does not load (gone, moved, refused), its
 * description shows in the box instead, quietly: the project is still there to join; a region of its own, which the
 * keyboard reaches too, so that a description longer than the box can be scrolled without a mouse. Asked for with no referrer: the
 * host the researchers chose learns nothing of which page of Chorus showed it.
 */
export function ProjectImage({ url, alt, language, wide = false }: { url: string; alt: string; language: string; wide?: boolean }) {
  const { t } = useTranslation();
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const failed = failedUrl === url;
  return (
    <div className={wide ? 'project-image project-image-wide' : 'project-image'} data-state={failed ? 'failed' : undefined}>
      {failed ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a box that may scroll must be reachable by Tab to be scrolled without a mouse
        <section className="project-image-failed" aria-label={t('project.imageDescription')} tabIndex={0}>
          <p {...researchersWords(language)}>{alt}</p>
        </section>
      ) : (
        <img src={url} alt={alt} loading="lazy" decoding="async" referrerPolicy="no-referrer" width={wide ? 720 : 320} height={wide ? 240 : 180} onError={() => setFailedUrl(url)} {...researchersWords(language)} />
      )}
    </div>
  );
}
