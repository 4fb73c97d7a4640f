import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator } from 'playwright-core';

/** The image marked in the marking tests: 800 × 600 pixels at its natural size. */
export const WIDTH = 800;
export const HEIGHT = 600;
const COLONY = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}"><rect width="${WIDTH}" height="${HEIGHT}" fill="#dde6ee"/><circle cx="200" cy="150" r="20" fill="#222"/></svg>`;

/**
 * Serves the colony image on this machine for the suite (every address the same drawing; one four times as wide and
 * tall at an address with `large` in it), and a IIIF service whose full size is twice the plain image's at any address
 * ending in /info.json; `base()` is its address once started.
 */
export function useColonyImages(): { base(): string } {
  let images: Server;
  let imageBase = '';
  beforeAll(async () => {
    images = createServer((request, response) => {
      response.setHeader('Access-Control-Allow-Origin', '*');
      if (request.url?.endsWith('/info.json')) {
        response.setHeader('Content-Type', 'application/ld+json');
        const id = `${imageBase}${request.url.slice(0, -'/info.json'.length)}`;
        response.end(JSON.stringify({ id, type: 'ImageService3', protocol: 'http://iiif.io/api/image', profile: 'level0', width: 2 * WIDTH, height: 2 * HEIGHT, tiles: [{ width: 2 * WIDTH, scaleFactors: [1] }] }));
        return;
      }
      response.setHeader('Content-Type', 'image/svg+xml');
      response.end(request.url?.includes('large') ? COLONY.replace(/width="800" height="600"/, `width="${4 * WIDTH}" height="${4 * HEIGHT}"`) : COLONY);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => images.close(() => resolve())));
  return { base: () => imageBase };
}

/**
 * Where a pixel of the image is on the page, the image shown whole (as it opens), centred in the marking layer; `times`
 * for the large image (4).
 */
export async function onPage(layer: Locator, x: number, y: number, times = 1): Promise<{ x: number; y: number }> {
  const [width, height] = [WIDTH * times, HEIGHT * times];
  const box = (await layer.boundingBox())!;
  const scale = Math.min(box.width / width, box.height / height);
  return { x: box.x + (box.width - width * scale) / 2 + x * scale, y: box.y + (box.height - height * scale) / 2 + y * scale };
}

/** Where a pixel of the image is on the page in the view as it is now (zoomed, panned, turned): the marks' transform. */
export async function onPageNow(layer: Locator, x: number, y: number): Promise<{ x: number; y: number }> {
  const [a, b, c, d, e, f] = (await layer.getByTestId('marking-view').getAttribute('transform'))!.match(/-?[\d.e-]+/g)!.map(Number);
  const box = (await layer.boundingBox())!;
  return { x: box.x + a! * x + c! * y + e!, y: box.y + b! * x + d! * y + f! };
}
