import type { ResearcherSubject } from '@chorus/client';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rememberPreview } from '../../lib/previewFailures';
import { imageDescription, subjectName, textPreview } from '../../lib/subjectName';

/** How a listed subject's preview image fared in this browser: still loading (or not yet in view), loaded, or failed. */
export type PreviewState = 'loading' | 'loaded' | 'failed';

/** The preview image of a subject: its first image, if it has one. */
export const previewImageOf = (subject: Pick<ResearcherSubject, 'locations'>) => subject.locations.find((location) => location.type === 'image');

/**
 * What the researcher's own browser made of each listed subject's preview image (by subject id), and `preview`, each
 * preview's way to say it: a broken upload is seen before volunteers meet it, and making the project live asks first.
 */
export function usePreviewStates(projectId: string): { states: ReadonlyMap<string, PreviewState>; preview(subjectId: string, state: PreviewState): void } {
  const [states, setStates] = useState<ReadonlyMap<string, PreviewState>>(new Map());
  const preview = useCallback(
    (subjectId: string, state: PreviewState) => {
      rememberPreview(projectId, subjectId, state === 'failed');
      setStates((now) => (now.get(subjectId) === state ? now : new Map(now).set(subjectId, state)));
    },
    [projectId],
  );
  return { states, preview };
}

/**
 * A small preview of what a subject shows, in a researcher's list: its first image (lazily, small; named by its
 * description or the subject's title) and, when it does not load here, words that say so; a recording is said not to be
 * previewed; a text, its first line.
 */
export function SubjectPreview({ subject, state, onState }: { subject: ResearcherSubject; state: PreviewState | undefined; onState(state: PreviewState): void }) {
  const { t } = useTranslation();
  const image = previewImageOf(subject);
  if (image) {
    const failed = state === 'failed';
    const name = imageDescription(image.alt, subject) ?? subjectName(subject) ?? t('lab.preview.image');
    return (
      <span className="lab-preview" data-state={state ?? 'loading'}>
        <img
          className="lab-preview-image"
          src={image.url}
          loading="lazy"
          width={64}
          height={64}
          alt={name}
          hidden={failed}
          onLoad={() => onState('loaded')}
          onError={() => onState('failed')}
        />
        {failed && <span className="lab-preview-failed">{t('lab.preview.failed', { name })}</span>}
      </span>
    );
  }
  const first = subject.locations[0];
  if (first?.type === 'audio') return <span className="muted">{t('lab.preview.audio')}</span>;
  if (first?.type === 'text') return <span className="lab-preview-text">{textPreview(first.text.split('\n')[0] ?? '')}</span>;
  return null;
}
