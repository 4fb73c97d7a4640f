import { asciiSlug, unicodeSlug } from '../common/slug';
import type { DownloadTarget } from './download-links';

/** How many characters of the workflow's name a download's file name keeps: enough to tell workflows apart. */
const NAME_IN_FILE = 40;

/**
 * A download's file name in two forms: `ascii` (lower-case letters, digits, dashes and dots), which every client takes,
 * and `unicode`, with the workflow's name in its own letters, for browsers that read RFC 6266's `filename*`.
 */
export interface DownloadName {
  ascii: string;
  unicode: string;
}

/** When a download began, in a file name: downloads made again (with `since=`, say) do not overwrite one another. */
const fileStamp = (at: Date) => at.toISOString().replace(/[-:]|\.\d+/g, '');

/**
 * `consensus-postcards-building-or-not-<workflow id>-20261202T071100Z.csv`: the kind, then the workflow's name (the
 * project's title for its comments; so that several workflows' files can be told apart in a folder; left out when none
 * of it is left), its id and the moment the download began (so that names stay unique).
 */
export function downloadName(kind: DownloadTarget['kind'] | 'transcriptions' | 'published-text', of: { id: string; name: string }, began: Date, format: string): DownloadName {
  const named = (slug: string) => `${[kind, slug, of.id, fileStamp(began)].filter(Boolean).join('-')}.${format}`;
  return { ascii: named(asciiSlug(of.name, NAME_IN_FILE)), unicode: named(unicodeSlug(of.name, NAME_IN_FILE)) };
}

/** RFC 8187's encoding of a header parameter's value: UTF-8, every byte but its attr-chars percent-encoded. */
const rfc8187 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The `content-disposition` of a download: the ASCII name, and the name in its own letters as `filename*` (RFC 6266),
 * which browsers prefer. Neither can hold a quote, a semicolon or a line break, whatever the workflow's name.
 */
export function contentDisposition(name: DownloadName): string {
  return `attachment; filename="${name.ascii}"; filename*=UTF-8''${rfc8187(name.unicode)}`;
}
