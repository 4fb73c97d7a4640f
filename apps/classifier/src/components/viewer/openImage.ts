/**
 * The image open in the viewer on screen, for a task that draws over it (marking): where to draw, and how a point of
 * the image (in the pixels of the image at its natural size) and a point of the viewer's element convert, whatever the
 * zoom, pan and rotation. The viewer keeps OpenSeadragon to itself; this is all a task sees of it.
 */

export interface Point {
  x: number;
  y: number;
}

export interface OpenImage {
  /** The location's address, to tell which image is open. */
  url: string;
  /** The element over the image, as large as it, for a task's layer. */
  overlay: HTMLElement;
  /** The image's size in its own pixels: the plain image's (`url`) at its natural size, whatever the viewer shows. */
  width: number;
  height: number;
  /** False when the plain image's size could not be read (a IIIF service shown, the plain image not loading): no marks. */
  markable: boolean;
  toElement(point: Point): Point;
  toImage(point: Point): Point;
  /** Calls `onChange` at each frame the view changes (zoom, pan, rotation, size); returns what stops it. */
  watchView(onChange: () => void): () => void;
  /** Zooms by `factor` about a point of the element (the mouse wheel over a task's layer). */
  zoomBy(factor: number, at: Point): void;
  /** Brings a point of the image into view, if it is not. */
  show(point: Point): void;
}

let open: OpenImage | null = null;
const watchers = new Set<() => void>();

function setOpen(image: OpenImage | null): void {
  open = image;
  for (const watcher of watchers) watcher();
}

/** Notes `image` as open on screen; returns what forgets it. */
export function showOpenImage(image: OpenImage): () => void {
  setOpen(image);
  return () => {
    if (open === image) setOpen(null);
  };
}

/** The image open on screen, as `useSyncExternalStore` reads it with `watchOpenImage`. */
export const openImage = (): OpenImage | null => open;

export function watchOpenImage(onChange: () => void): () => void {
  watchers.add(onChange);
  return () => watchers.delete(onChange);
}
