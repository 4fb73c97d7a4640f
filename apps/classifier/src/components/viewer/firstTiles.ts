import type OpenSeadragon from 'openseadragon';
import type { ImageInfo } from './iiifInfo';

interface Size {
  width: number;
  height: number;
}

/** OpenSeadragon's `minPixelRatio`, left at its default by the viewer: a level drawn smaller than half its size is not loaded. */
const MIN_PIXEL_RATIO = 0.5;

/**
 * The levels OpenSeadragon loads when it opens `source` whole in a viewer `shownWidth` CSS px wide, as its tiled image
 * chooses them before any tile is drawn (`_updateLevelsForViewport`): from the largest down, each drawn at least at half
 * its size in device pixels, until the largest level that is a single tile (`getClosestLevel`), that one always, and the
 * smallest when it is reached.
 */
function levelsDrawn(source: OpenSeadragon.TileSource, shownWidth: number): number[] {
  const cutOff = source.getClosestLevel();
  const smallest = source.minLevel || 0;
  const levels = new Set<number>();
  for (let level = source.maxLevel || 0; level >= smallest; level -= 1) {
    if ((source.getPixelRatio(level) as unknown as OpenSeadragon.Point).x * shownWidth < MIN_PIXEL_RATIO && level !== smallest) continue;
    levels.add(level);
    if (level === cutOff) break;
  }
  levels.add(cutOff);
  return [...levels].sort((a, b) => a - b);
}

/**
 * The URLs of the tiles a viewer of `size` asks for first when it opens `info` whole, as OpenSeadragon's own IIIF tile
 * source names them (`levelsDrawn`), the smaller levels first, whole levels only, at most `most`.
 */
export function firstTileUrls(OSD: typeof OpenSeadragon, info: ImageInfo, size: Size, most: number): string[] {
  // As OpenSeadragon opens an inline tile source: `configure` (which reads the Image API version), then the constructor.
  const source = new OSD.IIIFTileSource(OSD.IIIFTileSource.prototype.configure(structuredClone(info)) as ConstructorParameters<typeof OSD.IIIFTileSource>[0]);
  // Opened whole ("home"), the image is as wide as the viewer or as its height allows.
  const shownWidth = Math.min(size.width, size.height * source.aspectRatio);
  const urls: string[] = [];
  for (const level of levelsDrawn(source, shownWidth)) {
    const tiles = source.getNumTiles(level);
    // An info.json that gives no tile size makes every count Infinity (a tile 0 px wide): such a level is never walked.
    if (!(tiles.x * tiles.y <= most - urls.length)) return urls;
    for (let y = 0; y < tiles.y; y += 1) {
      for (let x = 0; x < tiles.x; x += 1) {
        const url = source.getTileUrl(level, x, y);
        if (typeof url === 'string') urls.push(url);
      }
    }
  }
  return urls;
}
