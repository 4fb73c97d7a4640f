import type { QueuedSubject, SubjectLocation } from '@chorus/client';
import type { Task } from '@chorus/tasks';
import { useEffect, useRef } from 'react';

/** How many subjects after the one on screen have the image they open on fetched ahead. */
export const PRELOADED_AHEAD = 2;
/** How many preloaded images a page keeps referenced (so that the browser keeps them decoded in memory). */
const KEPT = 8;

type ImageLocation = Extract<SubjectLocation, { type: 'image' }>;

/**
 * The plain image `subject` opens on under `firstTask`: the location its `showLocation` numbers, else its first, when
 * that is an image without a IIIF service. A IIIF image loads as tiles chosen by the viewer's size and zoom, and its
 * `url` may be the full-size image: nothing is fetched ahead for it.
 */
export function openingImage(subject: QueuedSubject, firstTask: Task | undefined): ImageLocation | undefined {
  const location = subject.locations[(firstTask?.showLocation ?? 1) - 1] ?? subject.locations[0];
  return location?.type === 'image' && !location.iiifService ? location : undefined;
}

/** The volunteer asked their browser to save data (a metered phone): nothing is fetched before it is shown. */
function savingData(): boolean {
  return (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
}

/**
 * Fetches, while a subject is on screen, the images the next `PRELOADED_AHEAD` subjects of the queue open on, at low
 * priority, so that each next one shows at once, and even after the connection is lost: the viewer's image is then
 * the browser's own (its list of available images keeps it for the page, whatever the server's caching headers).
 * `subjects` is the queue, the one on screen first; nothing while none is on screen, nor when the volunteer saves data.
 */
export function usePreloadedImages(subjects: readonly QueuedSubject[], firstTask: Task | undefined, onScreen: boolean): void {
  const kept = useRef<Map<string, HTMLImageElement>>(new Map());
  const upcoming = onScreen ? subjects.slice(1, 1 + PRELOADED_AHEAD).map((subject) => openingImage(subject, firstTask)?.url) : [];
  const key = upcoming.join(' ');
  useEffect(() => {
    if (!key || savingData()) return;
    for (const url of key.split(' ')) {
      if (!url || kept.current.has(url)) continue;
      const image = new Image();
      image.fetchPriority = 'low';
      image.src = url;
      kept.current.set(url, image);
      if (kept.current.size > KEPT) kept.current.delete(kept.current.keys().next().value!);
    }
  }, [key]);
}
