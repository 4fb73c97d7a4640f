import { upgrade } from '@iiif/parser/upgrader';
import type { FieldError, SubjectInput, SubjectLocation } from '@chorus/tasks';
import { parse } from 'csv-parse/sync';

/** Subjects read from a file, and where in the file subject `index` came from, for error messages. */
export interface SubjectFile {
  subjects: SubjectInput[];
  origin(index: number): string;
}

/** A file that cannot be read at all: the problem names the body. */
export class UnreadableSubjectFile extends Error {
  constructor(readonly error: FieldError) {
    super(error.message);
  }
}

const numbered = (column: string, stem: string) => new RegExp(`^${stem}(?:_(\\d+))?$`).exec(column);

/**
 * A CSV file with a header row, one subject per row. Columns: `external_id`; `image_url` (and `image_url_2`, …), each
 * with an optional `iiif_service` (`iiif_service_2`, …); `text` (`text_2`, …), in column order; `gold_standard_<task>`
 * for a known answer; every other column is metadata (those starting with `#` or `!` are for researchers only).
 */
export function subjectsFromCsv(csv: string): SubjectFile {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(csv, { columns: true, bom: true, skip_empty_lines: true, trim: true, info: true });
  } catch (error) {
    throw new UnreadableSubjectFile({ pointer: '', message: `is not valid CSV with a header row: ${(error as Error).message}` });
  }
  const subjects = rows.map(({ record }) => {
    const subject: SubjectInput & { metadata: Record<string, unknown> } = { locations: [], metadata: {} };
    const goldStandard: Record<string, string> = {};
    for (const [column, value] of Object.entries(record)) {
      if (value === '' || numbered(column, 'iiif_service')) continue;
      const image = numbered(column, 'image_url');
      if (image) subject.locations.push(imageLocation(value, record[image[1] ? `iiif_service_${image[1]}` : 'iiif_service']));
      else if (numbered(column, 'text')) subject.locations.push({ type: 'text', text: value });
      else if (column === 'external_id') subject.externalId = value;
      else if (column.startsWith('gold_standard_')) goldStandard[column.slice('gold_standard_'.length)] = value;
      else subject.metadata[column] = value;
    }
    return Object.keys(goldStandard).length ? { ...subject, goldStandard } : subject;
  });
  // The line a row ends on, blank lines and quoted line breaks counted.
  return { subjects, origin: (index) => `line ${rows[index]!.info.lines} of the CSV` };
}

function imageLocation(url: string, iiifService: string | undefined): SubjectLocation {
  return iiifService ? { type: 'image', url, iiifService } : { type: 'image', url };
}

/**
 * A plain-text corpus: each passage, separated from the next by a blank line, becomes a text subject. A word marked
 * `[[like this]]` is highlighted (the brackets are dropped), e.g. the word a close-reading task asks about.
 */
export function subjectsFromText(corpus: string): SubjectFile {
  const passages = corpus.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/).map((passage) => passage.trim()).filter(Boolean);
  const subjects = passages.map((passage, index): SubjectInput => {
    const highlights: [number, number][] = [];
    const text = passage.replace(/\[\[(.+?)\]\]/g, (_marked, word: string, offset: number) => {
      const start = offset - highlights.length * 4;
      highlights.push([start, start + word.length]);
      return word;
    });
    return { locations: [{ type: 'text', text, ...(highlights.length ? { highlights } : {}) }], metadata: { passage: index + 1 } };
  });
  return { subjects, origin: (index) => `passage ${index + 1} of the text` };
}

/** Whether a JSON body is a IIIF Presentation resource (2 or 3) rather than `{ subjects: [...] }`. */
export function isIiif(body: unknown): boolean {
  const context = (body as { '@context'?: unknown } | null)?.['@context'];
  return [context].flat().some((entry) => typeof entry === 'string' && entry.includes('iiif.io/api/presentation'));
}

interface IiifResource {
  id?: string;
  type?: string;
  label?: Record<string, string[]>;
  items?: IiifResource[];
  body?: IiifResource | IiifResource[];
  service?: IiifResource[];
  '@id'?: string;
}

/**
 * A IIIF Presentation manifest (version 2 is upgraded to 3 with @iiif/parser): each canvas becomes an image subject,
 * its `externalId` the canvas id, with its painted image and that image's IIIF Image API service, if any.
 */
export function subjectsFromIiif(body: unknown): SubjectFile {
  let manifest: IiifResource;
  try {
    manifest = upgrade(body as never) as IiifResource;
  } catch (error) {
    throw new UnreadableSubjectFile({ pointer: '', message: `is not a IIIF Presentation manifest: ${(error as Error).message}` });
  }
  if (manifest.type !== 'Manifest') {
    throw new UnreadableSubjectFile({ pointer: '', message: `is a IIIF ${manifest.type ?? 'resource'}, not a Manifest; send each of its manifests` });
  }
  const canvases = manifest.items ?? [];
  const subjects = canvases.map((canvas): SubjectInput => {
    const image = paintedImage(canvas);
    const service = image?.service?.find((candidate) => /ImageService/.test(candidate.type ?? '') || candidate['@id']);
    return {
      externalId: canvas.id,
      locations: image?.id ? [imageLocation(image.id, service?.id ?? service?.['@id'])] : [],
      metadata: { manifest: manifest.id, manifest_label: textOf(manifest.label), canvas_label: textOf(canvas.label) },
    };
  });
  return { subjects, origin: (index) => `canvas ${index + 1} of the manifest` };
}

/** The first image painted on a canvas (its first annotation page's painting annotations). */
function paintedImage(canvas: IiifResource): IiifResource | undefined {
  const bodies = (canvas.items?.[0]?.items ?? []).flatMap((annotation) => [annotation.body ?? []].flat());
  return bodies.find((body) => body.type === 'Image');
}

/** A IIIF language map as one string: its first language's values. */
function textOf(label: Record<string, string[]> | undefined): string | null {
  const values = label ? Object.values(label)[0] : undefined;
  return values?.length ? values.join(' ') : null;
}
