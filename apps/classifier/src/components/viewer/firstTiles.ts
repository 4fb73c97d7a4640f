import type OpenSeadragon from 'openseadragon';
import type { ImageInfo } from './iiifInfo';

interface Size {
  width: number;
  height: number;
}

let stage: HTMLElement | null = null;

/** Notes `element` as where the image on screen is drawn; returns what forgets it. */
export function showStage(element: HTMLElement): () => void {
  stage = element;
  return () => {
    if (stage === element) stage = null;
  };
}

/** The size of the image viewer on screen, where the next subject's image will show; undefined when none shows. */
export function stageSize(): Size | undefined {
  return stage && stage.clientWidth > 0 && stage.clientHeight > 0 ? { width: stage.clientWidth, height: stage.clientHeight } : undefined;
}

/**
 * The URLs of the tiles a viewer of `size` asks for first when it opens `info` whole, as OpenSeadragon's own IIIF tile
 * source names them, at most `most`: every level from the one OpenSeadragon draws first (the largest that is a single
 * tile) up to the one whose width fills the image's place on screen in device pixels, the smaller levels first.
 */
export function firstTileUrls(OSD: typeof OpenSeadragon, info: ImageInfo, size: Size, most: number): string[] {
  // As OpenSeadragon opens an inline tile source: `configure` (which reads the Image API version), then the constructor.
  const source = new OSD.IIIFTileSource(OSD.IIIFTileSource.prototype.configure(structuredClone(info)) as ConstructorParameters<typeof OSD.IIIFTileSource>[0]);
  // Opened whole ("home"), the image is as wide as the viewer or as its height allows.
  const shownWidth = Math.min(size.width, size.height * source.aspectRatio) * window.devicePixelRatio;
  const urls: string[] = [];
  for (let level = source.getClosestLevel(); level <= source.maxLevel; level += 1) {
    const tiles = source.getNumTiles(level);
    // An info.json that gives no tile size makes every count Infinity (a tile 0 px wide): such a level is never walked.
    if (!(tiles.x * tiles.y <= most - urls.length)) return urls;
    for (let y = 0; y < tiles.y; y += 1) {
      for (let x = 0; x < tiles.x; x += 1) {
        const url = source.getTileUrl(level, x, y);
        if (typeof url === 'string') urls.push(url);
      }
    }
    if (source.dimensions.x * source.getLevelScale(level) >= shownWidth) break;
  }
  return urls;
}
