import type { TFunction } from 'i18next';
import type OpenSeadragon from 'openseadragon';
import { useContext, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fetchInfo, knownInfo } from './iiifInfo';
import { type OpenImage, OpenImageContext, type Point } from './openImage';
import { showStage } from './stage';
import { type ViewerAction, viewerActionFor } from './viewerKeys';
import { keepTextFieldFocus } from '../../lib/focus';
import { useSingleKeysOn } from '../../lib/singleKeys';
import { useRetryWhenOnline } from '../../lib/useOnline';
import { MediaFailed } from '../MediaFailed';

interface Props {
  url: string;
  iiifService?: string;
  /** The accessible name of the image, e.g. "Subject, page 2". */
  label: string;
  /**
   * Its keys (zoom, rotation, colours) only for a key pressed in the region of its own keys around it
   * (`data-own-keys`: the lab's correction of marks), not page-wide, so that two viewers on a page never both act.
   */
  ownKeys?: boolean;
}

type Status = 'loading' | 'ready' | 'failed';
/** Whether every tile of the view is drawn, or, all tried, one could not be loaded (a data attribute only, for the tests). */
type Tiles = 'loading' | 'drawn' | 'missing';

interface Adjustments {
  invert: boolean;
  brightness: number;
  contrast: number;
}

const NEUTRAL: Adjustments = { invert: false, brightness: 1, contrast: 1 };
const ZOOM_STEP = 1.5;
const ROTATION_STEP = 90;
const FILTER_STEP = 0.25;
const FILTER_MIN = 0.25;
const FILTER_MAX = 3;

/**
 * Each tile that fails while the browser is online (a server busy a moment, a connection just back) is asked for again
 * up to this many times, after 1, 2, 4… times this delay; then only when the connection comes back, which gives it as
 * many tries again (as loading does). One tile out of tries holds back none of the others.
 */
export const TILE_TRIES = 3;
export const TILE_RETRY_MS = 1_000;

const clampFilter = (value: number) => Math.round(Math.min(FILTER_MAX, Math.max(FILTER_MIN, value)) * 100) / 100;

/** The CSS filter for the viewer canvas, or undefined when nothing is adjusted. */
export function cssFilter({ invert, brightness, contrast }: Adjustments): string | undefined {
  const parts = [invert ? 'invert(1)' : '', brightness !== 1 ? `brightness(${brightness})` : '', contrast !== 1 ? `contrast(${contrast})` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** What the figure caption says: "Zoom 150%, rotated 90°, inverted, brightness 125%". */
function viewerState(t: TFunction, zoom: number, rotation: number, { invert, brightness, contrast }: Adjustments): string {
  const parts = [
    t('viewer.zoom', { percent: zoom }),
    rotation ? t('viewer.rotated', { degrees: rotation }) : '',
    invert ? t('viewer.inverted') : '',
    brightness !== 1 ? t('viewer.brightness', { percent: Math.round(brightness * 100) }) : '',
    contrast !== 1 ? t('viewer.contrast', { percent: Math.round(contrast * 100) }) : '',
  ];
  return parts.filter(Boolean).join(t('viewer.separator'));
}

/**
 * The tile source: the IIIF service's info.json (normalised) when there is one and it answers, or was fetched ahead of
 * the subject, else the plain image.
 */
async function tileSourceFor(url: string, iiifService: string | undefined, signal: AbortSignal): Promise<object> {
  if (iiifService) {
    try {
      const info = knownInfo(iiifService) ?? (await fetchInfo(iiifService, { signal }));
      if (info) return info;
    } catch (error) {
      if (signal.aborted) throw error;
      // The service is down or refuses CORS: the plain image still lets the volunteer work.
    }
  }
  return { type: 'image', url };
}

/** The plain image's size at its natural size, loaded for it; null when it does not load. */
function naturalSize(url: string): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image.naturalWidth > 0 && image.naturalHeight > 0 ? { width: image.naturalWidth, height: image.naturalHeight } : null);
    image.onerror = () => resolve(null);
    image.src = url;
  });
}

/**
 * What a task that draws over the image sees of it (`openImage.ts`), in pixels of the plain image (`url`) at its
 * natural size, whichever the viewer shows: a IIIF service's full size (often larger) is scaled to it, so that a
 * volunteer shown the service and one shown the plain image (the service down) mark in one system. `size` null: the
 * plain image's size is not known, and nothing can be marked.
 */
function openImageOf(OSD: typeof OpenSeadragon, viewer: OpenSeadragon.Viewer, item: OpenSeadragon.TiledImage, url: string, overlay: HTMLElement, size: { width: number; height: number } | null): OpenImage {
  const content = item.getContentSize();
  const { width, height } = size ?? { width: content.x, height: content.y };
  // Plain pixels per pixel of the tile source.
  const [sx, sy] = [width / content.x, height / content.y];
  const toSource = ({ x, y }: Point) => new OSD.Point(x / sx, y / sy);
  return {
    url,
    overlay,
    width,
    height,
    markable: size !== null,
    toElement: (point) => item.imageToViewerElementCoordinates(toSource(point)),
    toImage: (point) => {
      const { x, y } = item.viewerElementToImageCoordinates(new OSD.Point(point.x, point.y));
      return { x: x * sx, y: y * sy };
    },
    watchView(onChange) {
      viewer.addHandler('update-viewport', onChange);
      viewer.addHandler('resize', onChange);
      return () => {
        viewer.removeHandler('update-viewport', onChange);
        viewer.removeHandler('resize', onChange);
      };
    },
    watchClicks(onClick) {
      const onCanvasClick = ({ quick, position }: OpenSeadragon.CanvasClickEvent) => {
        if (quick) onClick({ x: position.x, y: position.y });
      };
      viewer.addHandler('canvas-click', onCanvasClick);
      return () => viewer.removeHandler('canvas-click', onCanvasClick);
    },
    zoomBy(factor, { x, y }) {
      viewer.viewport.zoomBy(factor, viewer.viewport.pointFromPixel(new OSD.Point(x, y)));
      viewer.viewport.applyConstraints();
    },
    show(at) {
      const point = item.imageToViewportCoordinates(toSource(at));
      if (!viewer.viewport.getBounds(true).containsPoint(point)) viewer.viewport.panTo(point);
    },
  };
}

const prefersReducedMotion = () => typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * A deep-zoom image viewer (OpenSeadragon, loaded on first use so that it stays out of the initial bundle):
 * a IIIF Image API service's tiles when the location has one, the plain image otherwise. Zoom, rotation,
 * inversion, brightness and contrast are buttons and page-wide shortcuts (Alt + the key while typing), see
 * `viewerKeys.ts`; with the image focused, the arrow keys (and W A S D) pan.
 */
export function ImageViewer({ url, iiifService, label, ownKeys = false }: Props) {
  const id = useId();
  const { setImage } = useContext(OpenImageContext);
  const singleKeys = useSingleKeysOn();
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | null>(null);
  const [status, setStatus] = useState<Status>('loading');
  const [tiles, setTiles] = useState<Tiles>('loading');
  /** A tile failed, in view or not (one out of view is asked for again with the rest as the connection comes back). */
  const [tileFailed, setTileFailed] = useState(false);
  const [zoom, setZoom] = useState(100);
  const zoomShown = useRef(zoom);
  zoomShown.current = zoom;
  const [rotation, setRotation] = useState(0);
  const [adjust, setAdjust] = useState<Adjustments>(NEUTRAL);
  const [moreShown, setMoreShown] = useState(false);
  /** Counts the tries after the first: an image that failed, or lacks a tile, is opened again when the connection comes back. */
  const [retries, setRetries] = useState(0);
  /** Once the opening view was drawn whole: asks again for the tiles that failed, leaving the view as it is. */
  const reloadMissing = useRef<(() => void) | null>(null);
  useRetryWhenOnline(status === 'failed' || tileFailed, () => {
    if (status !== 'failed' && reloadMissing.current) reloadMissing.current();
    else setRetries((count) => count + 1);
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `retries` changing is what opens the image again
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const abort = new AbortController();
    let instance: OpenSeadragon.Viewer | null = null;
    let nextTry: ReturnType<typeof setTimeout> | undefined;
    let forgetOpen = () => {};
    setStatus('loading');
    setTiles('loading');
    setTileFailed(false);
    void (async () => {
      try {
        const [{ default: OSD }, tileSource] = await Promise.all([import('openseadragon'), tileSourceFor(url, iiifService, abort.signal)]);
        if (abort.signal.aborted) return;
        const reduced = prefersReducedMotion();
        instance = OSD({
          element,
          tileSources: tileSource as OpenSeadragon.TileSourceOptions,
          // The 2D canvas draws images from any origin (WebGL would need CORS headers on every tile).
          drawer: 'canvas',
          showNavigationControl: false,
          animationTime: reduced ? 0 : 0.4,
          springStiffness: reduced ? 100 : 10,
          visibilityRatio: 0.5,
          gestureSettingsMouse: { clickToZoom: false },
        });
        viewer.current = instance;
        const canvas = instance.canvas;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', t('viewer.canvas', { label }));
        canvas.setAttribute('aria-describedby', `${id}-state`);
        const current = instance;
        const update = () => {
          const home = current.viewport.getHomeZoom();
          setZoom(home > 0 ? Math.round((current.viewport.getZoom() / home) * 100) : 100);
          setRotation(((Math.round(current.viewport.getRotation()) % 360) + 360) % 360);
        };
        current.addHandler('open', () => {
          setStatus('ready');
          update();
          const item = current.world.getItemAt(0);
          const over = overlay.current;
          if (!item || !over) return;
          const content = item.getContentSize();
          const plain = (tileSource as { type?: string }).type === 'image';
          // The plain image is loaded for its size only when a task asks (`measure`), not for every IIIF subject.
          const published = new Set<OpenImage>();
          const publish = (open: OpenImage) => {
            published.add(open);
            return open;
          };
          const open = plain
            ? openImageOf(OSD, current, item, url, over, { width: content.x, height: content.y })
            : { ...openImageOf(OSD, current, item, url, over, null), measure: async () => publish(openImageOf(OSD, current, item, url, over, await naturalSize(url))) };
          setImage(publish(open));
          forgetOpen = () => setImage((shown) => (shown && published.has(shown) ? null : shown));
        });
        current.addHandler('open-failed', () => setStatus('failed'));
        // OpenSeadragon does not ask for a tile again (it marks it as not existing). Offline, an image whose opening
        // view was never drawn whole is said lost with the connection (an info.json fetched ahead opens it all the
        // same) and opened again when the connection is back. Once drawn, a volunteer zooming in offline keeps it,
        // blurry where tiles are missing, and those tiles are asked for again when the connection is back: zoom and
        // rotation stay. Tiles that failed online are asked for again a few times (`TILE_TRIES`), each later.
        let drawnOnce = false;
        /** Drawn once, and every tile of the view tried: a change OpenSeadragon tells (`fully-loaded-change`) is not coming. */
        const loadedWhole = () => drawnOnce && Boolean(current.world.getItemAt(0)?.getFullyLoaded());
        /** The view's tiles that failed and were not asked for again since. */
        const failedTiles = new Set<OpenSeadragon.Tile>();
        /** How often each tile failed since it last loaded, or the connection last came back: as loading, then each try. */
        const failures = new Map<OpenSeadragon.Tile, number>();
        const failuresOf = (tile: OpenSeadragon.Tile) => failures.get(tile) ?? 0;
        /**
         * The tiles of the view as last walked: OpenSeadragon walks them level by level at each update, every level of one
         * update given the same draw area (a new one each update), failed tiles included.
         */
        const inView = new Set<OpenSeadragon.Tile>();
        let walked: unknown;
        current.addHandler('update-level', (event) => {
          if (event.drawArea === walked) return;
          walked = event.drawArea;
          inView.clear();
        });
        current.addHandler('update-tile', (event) => inView.add(event.tile));
        /** Says whether a tile of the view is missing: one that failed elsewhere (out of tries, say) is not this view's. */
        const sayTiles = () => {
          setTiles([...failedTiles].some((tile) => inView.has(tile)) ? 'missing' : 'drawn');
          setTileFailed(failedTiles.size > 0);
        };
        /** Every tile of the view tried: says whether one is missing, and asks again later for those that failed least often, if they have tries left. */
        const viewTried = () => {
          sayTiles();
          clearTimeout(nextTry);
          const left = [...failedTiles].filter((tile) => failuresOf(tile) <= TILE_TRIES);
          const fewest = Math.min(...left.map(failuresOf));
          const next = left.filter((tile) => failuresOf(tile) === fewest);
          if (navigator.onLine && next.length > 0) nextTry = setTimeout(() => askAgain(next), TILE_RETRY_MS * 2 ** (fewest - 1));
        };
        const askAgain = (tiles: OpenSeadragon.Tile[]) => {
          clearTimeout(nextTry);
          setTiles('loading');
          for (const tile of tiles) {
            tile.exists = true;
            failedTiles.delete(tile);
          }
          // Walks the view's tiles again as a frame does after a move, without touching the viewport: only those in view
          // are asked for (and may fail again); the others when they are back in view.
          current.world.update(true);
          // None of them in view: a view loaded whole already says so by no change of its own.
          if (loadedWhole()) viewTried();
        };
        current.addHandler('tile-load-failed', (event) => {
          failedTiles.add(event.tile);
          failures.set(event.tile, failuresOf(event.tile) + 1);
          if (!drawnOnce && !navigator.onLine) setStatus('failed');
          // Refused after it left the view (a slow server), the view loaded whole by then: asked for again later all the
          // same, when back in view, not left blank.
          if (loadedWhole()) viewTried();
        });
        current.addHandler('tile-loaded', (event) => failures.delete(event.tile));
        // Fully loaded: OpenSeadragon has tried every tile of the view (those that failed are not drawn).
        current.addHandler('fully-loaded-change', (event) => {
          if (!event.fullyLoaded) return;
          if (!drawnOnce) {
            drawnOnce = true;
            // The connection back: every tile that failed is asked for again, its tries begun again.
            reloadMissing.current = () => {
              failures.clear();
              askAgain([...failedTiles]);
            };
          }
          viewTried();
        });
        // A move to a view loaded whole already (back out of a closer one) changes nothing OpenSeadragon tells: said here.
        current.addHandler('animation-finish', () => {
          if (loadedWhole()) sayTiles();
        });
        current.addHandler('zoom', update);
        current.addHandler('rotate', update);
        // The panel can change width under the image (a branch into a transcription task gives the lines half the
        // page): an image the volunteer has not zoomed is fitted again, whole, not cut at the sides. After the frame
        // in which OpenSeadragon itself keeps the old bounds in the new size.
        current.addHandler('resize', () => {
          if (zoomShown.current === 100) requestAnimationFrame(() => current.viewport?.goHome(true));
        });
      } catch {
        if (!abort.signal.aborted) setStatus('failed');
      }
    })();
    return () => {
      abort.abort();
      clearTimeout(nextTry);
      forgetOpen();
      reloadMissing.current = null;
      instance?.destroy();
      if (viewer.current === instance) viewer.current = null;
    };
  }, [url, iiifService, label, id, t, retries, setImage]);

  function act(action: ViewerAction) {
    if (status === 'failed') return;
    const current = viewer.current;
    if (action === 'invert') setAdjust((a) => ({ ...a, invert: !a.invert }));
    else if (action === 'brighter' || action === 'darker')
      setAdjust((a) => ({ ...a, brightness: clampFilter(a.brightness + (action === 'brighter' ? FILTER_STEP : -FILTER_STEP)) }));
    else if (action === 'moreContrast' || action === 'lessContrast')
      setAdjust((a) => ({ ...a, contrast: clampFilter(a.contrast + (action === 'moreContrast' ? FILTER_STEP : -FILTER_STEP)) }));
    else if (action === 'reset') {
      setAdjust(NEUTRAL);
      if (current) {
        current.viewport.setFlip(false);
        current.viewport.setRotation(0);
        current.viewport.goHome();
      }
    } else if (current && status === 'ready') {
      const viewport = current.viewport;
      if (action === 'zoomIn' || action === 'zoomOut') viewport.zoomBy(action === 'zoomIn' ? ZOOM_STEP : 1 / ZOOM_STEP);
      else viewport.setRotation(viewport.getRotation() + (action === 'rotateRight' ? ROTATION_STEP : -ROTATION_STEP));
      viewport.applyConstraints();
    }
  }

  // The next subjects' tiles are fetched ahead at this viewer's size (`usePreloadedImages`).
  useEffect(() => (host.current ? showStage(host.current) : undefined), []);

  const actRef = useRef(act);
  actRef.current = act;
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = viewerActionFor(event, ownKeys ? (host.current?.closest('[data-own-keys]') ?? null) : null);
      if (!action) return;
      event.preventDefault();
      actRef.current(action);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [ownKeys]);

  // OpenSeadragon's own keys: it keeps panning (arrows, W A S D) and zoom (+ −, Shift+↑ ↓); rotation, flip and
  // reset go through `act`, so that reset also clears the filters and the state shown stays right.
  useEffect(() => {
    const current = viewer.current;
    if (!current || status !== 'ready') return;
    const handler = (event: OpenSeadragon.CanvasKeyEvent) => {
      const code = (event.originalEvent as KeyboardEvent).code;
      if (!/^(Arrow(Up|Down|Left|Right)|Key[WASD])$/.test(code)) event.preventDefaultAction = true;
    };
    current.addHandler('canvas-key', handler);
    return () => current.removeHandler('canvas-key', handler);
  }, [status]);

  // An image that failed has nothing to pan or describe: its canvas leaves the page's reading and tab order.
  useEffect(() => {
    const canvas = viewer.current?.canvas;
    if (!canvas || status !== 'failed') return;
    canvas.setAttribute('aria-hidden', 'true');
    canvas.tabIndex = -1;
  }, [status]);

  const filter = cssFilter(adjust);
  const failed = status === 'failed';
  const disabled = status !== 'ready';
  // With single-key shortcuts off, only the Alt + key forms work.
  const button = (action: ViewerAction, text: string, keys: string, name?: string, pressed?: boolean) => (
    <button
      type="button"
      className="button button-secondary button-small viewer-button"
      onClick={() => act(action)}
      onMouseDown={keepTextFieldFocus}
      aria-disabled={failed || (disabled && action !== 'reset') || undefined}
      aria-keyshortcuts={singleKeys ? keys : keys.split(' ').filter((key) => key.startsWith('Alt+')).join(' ')}
      aria-label={name}
      aria-pressed={pressed}
      data-action={action}
    >
      {text}
    </button>
  );
  return (
    // Named by the image's label: the caption (zoom, rotation) describes its state, and would otherwise be its name.
    <figure
      className="image-viewer"
      aria-label={failed ? t('viewer.failedName', { label }) : label}
      data-testid="image-viewer"
      data-status={status}
      data-tiles={tiles}
      data-zoom={zoom}
      data-rotation={rotation}
      data-filter={filter ?? ''}
    >
      <div className="viewer-toolbar" role="toolbar" aria-label={t('viewer.controls')}>
        {button('zoomIn', '+', 'Plus Alt+Equal', t('viewer.zoomIn'))}
        {button('zoomOut', '−', 'Minus Alt+Minus', t('viewer.zoomOut'))}
        {button('rotateLeft', '⟲', 'Shift+R Alt+Shift+R', t('viewer.rotateLeft'))}
        {button('rotateRight', '⟳', 'R Alt+R', t('viewer.rotateRight'))}
        {/* Where the controls would take several rows above the image (styles.css), the colours and Reset come on asking. */}
        <button
          type="button"
          className="button button-secondary button-small viewer-button viewer-more"
          onClick={() => failed || setMoreShown((shown) => !shown)}
          onMouseDown={keepTextFieldFocus}
          aria-disabled={failed || undefined}
          aria-expanded={moreShown}
          aria-controls={`${id}-more`}
          aria-label={t('viewer.moreLabel')}
        >
          {t('viewer.more')}
        </button>
        <div className="viewer-more-controls" id={`${id}-more`} data-shown={moreShown || undefined}>
          {button('invert', t('viewer.invert'), 'I Alt+I', undefined, adjust.invert)}
          {button('darker', t('viewer.darker'), 'Shift+B Alt+Shift+B')}
          {button('brighter', t('viewer.brighter'), 'B Alt+B')}
          {button('lessContrast', t('viewer.lessContrast'), 'Shift+C Alt+Shift+C')}
          {button('moreContrast', t('viewer.moreContrast'), 'C Alt+C')}
          {button('reset', t('viewer.reset'), '0 Alt+0', t('viewer.resetLabel'))}
        </div>
      </div>
      <div className="viewer-stage">
        <div ref={host} className="viewer-canvas" style={filter ? { filter } : undefined} />
        {/* Where a task draws over the image (marking), unfiltered. */}
        <div ref={overlay} className="viewer-overlay" />
        {status === 'loading' && <p className="viewer-message muted">{t('viewer.loading')}</p>}
        {/* There before the failure, so that screen readers say it once, politely, as it comes (an alert would interrupt at each subject). */}
        <div role="status">{failed && <MediaFailed message={t('viewer.failed')} link={t('viewer.open')} report={t('report.imageFailed')} url={url} />}</div>
      </div>
      <figcaption className="viewer-state muted" id={`${id}-state`} aria-live="polite" hidden={failed}>
        {failed ? null : viewerState(t, zoom, rotation, adjust)}
      </figcaption>
    </figure>
  );
}
