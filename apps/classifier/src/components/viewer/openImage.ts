import { createContext, type Dispatch, type SetStateAction, useMemo, useState } from 'react';

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
  /** Present until the plain image's size is read (a IIIF service shown): reads it, giving the image to mark. */
  measure?(): Promise<OpenImage>;
  toElement(point: Point): Point;
  toImage(point: Point): Point;
  /** Calls `onChange` at each frame the view changes (zoom, pan, rotation, size); returns what stops it. */
  watchView(onChange: () => void): () => void;
  /**
   * Calls `onClick` at a press of the image itself (no task's layer taking it) that did not move, a drag panning it: its
   * point of the element. Returns what stops it.
   */
  watchClicks(onClick: (at: Point) => void): () => void;
  /** Zooms by `factor` about a point of the element (the mouse wheel over a task's layer). */
  zoomBy(factor: number, at: Point): void;
  /** Brings a point of the image into view, if it is not. */
  show(point: Point): void;
}

/** The open image and what sets it, given by the subject's classifier to its viewer (which sets it) and its task. */
export interface OpenImageState {
  image: OpenImage | null;
  setImage: Dispatch<SetStateAction<OpenImage | null>>;
}

/** None outside a subject's classifier (the lab's pages, a neighbour page): a viewer there opens no image to mark. */
export const NO_OPEN_IMAGE: OpenImageState = { image: null, setImage: () => {} };
export const OpenImageContext = createContext<OpenImageState>(NO_OPEN_IMAGE);

/** The state a subject's classifier provides: its viewer's image, for its task. */
export function useOpenImageState(): OpenImageState {
  const [image, setImage] = useState<OpenImage | null>(null);
  return useMemo(() => ({ image, setImage }), [image]);
}
