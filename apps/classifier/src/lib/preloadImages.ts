import type { QueuedSubject, SubjectLocation } from '@chorus/client';
import type { Task } from '@chorus/tasks';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { firstTileUrls } from '../components/viewer/firstTiles';
import { fetchInfo, knownInfo } from '../components/viewer/iiifInfo';
import { stageShown, stageSize, watchStage } from '../components/viewer/stage';

/** How many subjects after the one on screen have the image they open on fetched ahead. */
export const PRELOADED_AHEAD = 2;
/**
 * How many tiles of a IIIF image are fetched ahead at most, per subject: a page opened whole in a viewer of a laptop's
 * size on a screen twice as dense (3000×4500, tiles of 256 px: 77) and no more.
 */
const TILES_AHEAD = 96;
/**
 * How many preloaded images (plain ones and tiles) a page keeps referenced, so that the browser keeps them for the page:
 * the tiles of the subjects ahead and of one more.
 */
const IMAGES_KEPT = (PRELOADED_AHEAD + 1) * TILES_AHEAD;

type ImageLocation = Extract<SubjectLocation, { type: 'image' }>;

/** The image `subject` opens on under `firstTask`: the location its `showLocation` numbers, else its first, when an image. */
export function openingImage(subject: QueuedSubject, firstTask: Task | undefined): ImageLocation | undefined {
  const location = subject.locations[(firstTask?.showLocation ?? 1) - 1] ?? subject.locations[0];
  return location?.type === 'image' ? location : undefined;
}

/** The volunteer asked their browser to save data (a metered phone): nothing is fetched before it is shown. */
function savingData(): boolean {
  return (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
}

/**
 * The info.json of a IIIF image (kept for the viewer, `knownInfo`), then the tiles a viewer of the size of the one on
 * screen asks for first (`firstTileUrls`), each given to `load`; whether it is done, the tiles given or the service
 * answering no image. Not done when no image viewer is on screen (its size unknown): asked again once one is.
 * OpenSeadragon, which names the tiles, comes as the viewer loads it, out of the initial bundle.
 */
async function fetchTilesAhead(service: string, load: (url: string) => void): Promise<boolean> {
  const info = knownInfo(service) ?? (await fetchInfo(service, { priority: 'low' }));
  if (!info) return true;
  const size = stageSize();
  if (!size) return false;
  const { default: OSD } = await import('openseadragon');
  for (const url of firstTileUrls(OSD, info, size, TILES_AHEAD)) load(url);
  return true;
}

/**
 * Fetches, while a subject is on screen, the images the next `PRELOADED_AHEAD` subjects of the queue open on, at low
 * priority, so that each next one shows at once, and as it opens even after the connection is lost: the viewer's image
 * is then the browser's own (its list of available images keeps it for the page, whatever the server's caching
 * headers). A plain image is fetched whole; a IIIF one (tiles chosen by the viewer's size and zoom) as its info.json and
 * the tiles it opens on at the size of the viewer on screen (`TILES_AHEAD` at most: beyond, offline, the viewer says the
 * connection is lost and loads it once it is back), loaded as OpenSeadragon loads them (an `Image`, no CORS mode) so
 * that its requests are the same. `subjects` is the queue, the one on screen first; nothing while none is on screen,
 * nor when the volunteer saves data.
 */
export function usePreloadedImages(subjects: readonly QueuedSubject[], firstTask: Task | undefined, onScreen: boolean): void {
  const kept = useRef<Map<string, HTMLImageElement>>(new Map());
  const asked = useRef<Set<string>>(new Set());
  const upcoming = onScreen ? subjects.slice(1, 1 + PRELOADED_AHEAD).map((subject) => openingImage(subject, firstTask)) : [];
  const key = JSON.stringify(upcoming.flatMap((image) => (image ? [{ url: image.url, iiifService: image.iiifService }] : [])));
  const viewerShown = useSyncExternalStore(watchStage, stageShown);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a viewer coming on screen is what lets the tiles be named
  useEffect(() => {
    if (savingData()) return;
    const load = (url: string) => {
      if (kept.current.has(url)) return;
      const image = new Image();
      image.fetchPriority = 'low';
      image.src = url;
      kept.current.set(url, image);
      if (kept.current.size > IMAGES_KEPT) kept.current.delete(kept.current.keys().next().value!);
    };
    for (const { url, iiifService } of JSON.parse(key) as Pick<ImageLocation, 'url' | 'iiifService'>[]) {
      if (!iiifService) load(url);
      else if (!asked.current.has(iiifService)) {
        asked.current.add(iiifService);
        // Not reached (offline, CORS refused, an error answered), or no viewer to size the tiles: asked again for a later
        // subject or once a viewer shows; the viewer tries when it opens.
        fetchTilesAhead(iiifService, load).then(
          (done) => done || asked.current.delete(iiifService),
          () => asked.current.delete(iiifService),
        );
      }
    }
  }, [key, viewerShown]);
}
