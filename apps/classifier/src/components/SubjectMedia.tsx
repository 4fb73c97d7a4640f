import type { QueuedSubject, SubjectLocation } from '@chorus/client';
import type { TextLocation } from '@chorus/tasks';
import { type ReactNode, useId, useLayoutEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AudioPlayer } from './audio/AudioPlayer';
import { ImageViewer } from './viewer/ImageViewer';
import { pageStepFor } from './viewer/viewerKeys';
import { keepTextFieldFocus } from '../lib/focus';
import { imageDescription, type NamedSubject } from '../lib/subjectName';
import { languageAttributes } from '../lib/textLanguage';

/** How the page strip names a page of each kind. */
function pageLabel(t: TFunction, type: SubjectLocation['type'], page: number, count: number): string {
  if (type === 'text') return t('media.pageText', { page, count });
  if (type === 'audio') return t('media.pageAudio', { page, count });
  return t('media.pageImage', { page, count });
}

/** An image's name, with its description (`imageDescription`), for volunteers who cannot see it. */
const described = (t: TFunction, name: string, description: string | null) => (description ? `${name}${t('app.colon')}${description}` : name);

/**
 * A subject shown outside the classify page (its discussion, a favourite): one its project's team took down is, to
 * anyone not on the team (who are sent nothing of it), a note that says so in place of its media; the team sees it as
 * it is, marked.
 */
export function ShownSubject({ subject }: { subject: QueuedSubject }) {
  const { t } = useTranslation();
  if (subject.takenDown && !subject.locations.length) {
    return (
      <p className="notice" data-testid="subject-taken-down">
        {t('media.takenDown')}
      </p>
    );
  }
  return (
    <>
      {subject.takenDown && (
        <p className="notice" data-testid="subject-taken-down-for-team">
          <span>
            <strong>{t('media.takenDownMark')}</strong> {t('media.takenDownForTeam')}
          </span>
        </p>
      )}
      <SubjectMedia locations={subject.locations} subject={subject} />
    </>
  );
}

/** The page the task on screen (`task`, its key) opens on, an index into the locations shown; undefined: the page stays. */
interface Opening {
  task: string;
  page: number | undefined;
}

/**
 * Renders a subject's locations: texts as text with their highlights (never as images), images in the
 * deep-zoom viewer, recordings in the browser's player. A subject with several locations shows one at a time, with a page strip to switch
 * (and [ and ] for the previous and next page), from the page `opening` names (else the first), turned to again as each
 * task that names one opens. `subject` names its images that have no description; texts are in `language`, the task's, if it
 * gives one. `name` names a single image in place of "Image" (the lab's "Image to correct, T0"); `ownKeys`: its viewer's
 * keys only in the region of its own keys around it (`ImageViewer`'s).
 */
export function SubjectMedia({
  locations,
  subject,
  opening,
  language,
  name,
  ownKeys,
}: { locations: SubjectLocation[]; subject: NamedSubject; opening?: Opening; language?: string; name?: string; ownKeys?: boolean }) {
  const [page, setPage] = useState(opening?.page ?? 0);
  const [openedFor, setOpenedFor] = useState(opening?.task);
  if (opening && opening.task !== openedFor) {
    setOpenedFor(opening.task);
    if (opening.page !== undefined) setPage(opening.page);
  }
  const { t } = useTranslation();
  const id = useId();
  const count = locations.length;
  const current = Math.min(page, Math.max(count - 1, 0));
  const location = locations[current];

  const stepRef = useRef((_step: number) => {});
  stepRef.current = (step) => setPage((p) => Math.min(Math.max(Math.min(p, count - 1) + step, 0), count - 1));
  useLayoutEffect(() => {
    if (count < 2) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const step = pageStepFor(event);
      if (step === undefined) return;
      event.preventDefault();
      stepRef.current(step);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [count]);

  return (
    <div className="subject-media">
      {count > 1 && (
        <nav className="page-strip" aria-label={t('media.pages')}>
          <ol>
            {locations.map((each, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a subject's locations are a fixed, ordered list (never reordered, and may repeat), so the position is their identity
              <li key={index}>
                <button
                  type="button"
                  className="button button-secondary button-small page-button"
                  aria-current={index === current ? 'page' : undefined}
                  aria-label={pageLabel(t, each.type, index + 1, count)}
                  aria-controls={`${id}-page`}
                  onClick={() => setPage(index)}
                  onMouseDown={keepTextFieldFocus}
                >
                  {index + 1}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div id={`${id}-page`} className="subject-page">
        {!location ? null : location.type === 'text' ? (
          <SubjectText location={location} language={language} />
        ) : location.type === 'image' ? (
          <ImageViewer
            key={current}
            url={location.url}
            iiifService={location.iiifService}
            label={described(t, count > 1 ? t('media.imagePage', { page: current + 1, count }) : (name ?? t('media.image')), imageDescription(location.alt, subject))}
            ownKeys={ownKeys}
          />
        ) : location.type === 'audio' ? (
          // A new address (researchers corrected it) is a new player: one that failed to load the old one tries again.
          <AudioPlayer key={`${current}:${location.url}`} url={location.url} label={count > 1 ? t('media.imagePage', { page: current + 1, count }) : t('media.audio')} />
        ) : (
          <p className="subject-unsupported">{t('media.unsupported')}</p>
        )}
      </div>
    </div>
  );
}

function SubjectText({ location, language }: { location: TextLocation; language: string | undefined }) {
  return <p className="subject-text" {...languageAttributes(language)}>{withHighlights(location.text, location.highlights ?? [])}</p>;
}

/**
 * Splits `text` at the highlight spans ([start, end) offsets into the JavaScript string) and wraps each
 * span in `<mark>`. Spans are sorted, clamped to the text, and overlapping ones merged, so bad offsets
 * never hide or duplicate text.
 */
export function withHighlights(text: string, highlights: readonly (readonly [number, number])[]): ReactNode[] {
  const spans = normalizeSpans(text.length, highlights);
  const parts: ReactNode[] = [];
  let cursor = 0;
  for (const [start, end] of spans) {
    if (start > cursor) parts.push(text.slice(cursor, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    cursor = end;
  }
  if (cursor < text.length) parts.push(text.slice(cursor));
  return parts;
}

export function normalizeSpans(length: number, highlights: readonly (readonly [number, number])[]): [number, number][] {
  const clamp = (n: number) => Math.min(Math.max(Math.trunc(Number(n) || 0), 0), length);
  const sorted = highlights
    .filter((span) => Array.isArray(span) && span.length >= 2)
    .map(([start, end]) => [clamp(start), clamp(end)] as [number, number])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span[0] < last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}
