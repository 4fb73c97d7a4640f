import { useState } from 'react';
import { researchersWords } from '../lib/textLanguage';

/**
 * A project's image (its researchers set it in the lab), on its cards, its page and the lab's preview: loaded only when
 * it comes near the screen, in a box of fixed proportions that is there before it (nothing below moves when it comes),
 * read out by its description, in the researchers' language. When it does not load (gone, moved, refused), its
 * description shows in the box instead, quietly: the project is still there to join. Asked for with no referrer: the
 * host the researchers chose learns nothing of which page of Chorus showed it.
 */
export function ProjectImage({ url, alt, language, wide = false }: { url: string; alt: string; language: string; wide?: boolean }) {
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const failed = failedUrl === url;
  return (
    <div className={wide ? 'project-image project-image-wide' : 'project-image'} data-state={failed ? 'failed' : undefined}>
      {failed ? (
        <p className="project-image-failed" {...researchersWords(language)}>
          {alt}
        </p>
      ) : (
        <img src={url} alt={alt} loading="lazy" decoding="async" referrerPolicy="no-referrer" width={wide ? 720 : 320} height={wide ? 240 : 180} onError={() => setFailedUrl(url)} {...researchersWords(language)} />
      )}
    </div>
  );
}
