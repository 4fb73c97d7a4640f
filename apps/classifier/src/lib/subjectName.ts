import type { QueuedSubject } from '@chorus/client';

/** How many words of a text a subject without a name is called by. */
const OPENING_WORDS = 6;

/** What a subject is named by. */
export type NamedSubject = Pick<QueuedSubject, 'externalId' | 'metadata' | 'locations'>;

/**
 * What volunteers call a subject: the label of its page when it is a IIIF canvas, else the researchers' id, else the
 * opening words of its text (a passage of a corpus has no id, and "Subject" alone would name every one the same, so a
 * screen reader could not tell that a new one has come).
 */
export function subjectName(subject: NamedSubject): string | null {
  const canvasLabel = subject.metadata.canvas_label;
  if (typeof canvasLabel === 'string' && canvasLabel.trim()) return canvasLabel;
  if (subject.externalId) return subject.externalId;
  const text = subject.locations.find((location) => location.type === 'text')?.text;
  const words = text?.trim().split(/\s+/u).filter(Boolean) ?? [];
  if (!words.length) return null;
  return `“${words.slice(0, OPENING_WORDS).join(' ')}${words.length > OPENING_WORDS ? '…' : ''}”`;
}

/** What a subject shows, in a few words, for researchers' lists: its opening words, or its first image or sound by name. */
export function whatSubjectShows(subject: Pick<QueuedSubject, 'locations' | 'metadata'>): string {
  const first = subject.locations[0];
  if (!first) return '';
  if (first.type === 'text') return subjectName({ ...subject, externalId: null, metadata: {} }) ?? '';
  const file = mediaName(first.url);
  const canvasLabel = typeof subject.metadata.canvas_label === 'string' ? subject.metadata.canvas_label.trim() : '';
  const described = (first.type === 'image' && first.alt) || canvasLabel;
  return described ? `${described} (${file})` : file;
}

/**
 * A IIIF Image API address: {identifier}/{region}/{size}/{rotation}/{quality}.{format}, whose last part
 * (`default.jpg`) every image shares.
 */
const IIIF_IMAGE = /\/([^/]+)\/(?:full|square|\d+,\d+,\d+,\d+|pct:[^/]+)\/[^/]+\/!?\d+(?:\.\d+)?\/(?:default|color|gray|bitonal|native)\.\w+$/;

/**
 * A media address by its name: a IIIF image's identifier, else the last part of the address, decoded where it can be
 * (`50%.jpg` cannot), else the address as it is.
 */
export function mediaName(url: string): string {
  const path = url.split(/[?#]/)[0]!;
  const last = IIIF_IMAGE.exec(path)?.[1] ?? (path.split('/').pop() || url);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** How much of a long text (a passage, a transcription) a list shows. */
const PREVIEW_CHARACTERS = 120;

/** The opening of a text on one line, cut with "…" when longer than a list shows. */
export function textPreview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARACTERS ? `${flat.slice(0, PREVIEW_CHARACTERS)}…` : flat;
}

/**
 * What an image of a subject is described by to those who cannot see it: what the researchers said it shows (`alt`),
 * else the subject's name (a IIIF canvas's label, when the canvas has no summary), so that it is not only "Subject image".
 */
export const imageDescription = (alt: string | undefined, subject: NamedSubject): string | null => alt ?? subjectName(subject);
