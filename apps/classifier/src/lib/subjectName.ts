import type { QueuedSubject } from '@chorus/client';
import { i18n } from '../i18n';

/** How many words of a text a subject without a name is called by. */
const OPENING_WORDS = 6;

/** What a subject is named by. */
export type NamedSubject = Pick<QueuedSubject, 'externalId' | 'metadata' | 'locations'>;

/**
 * A subject's own title, if the researchers gave it one: a IIIF canvas's label, else its `title` metadata, in any case
 * (a spreadsheet's column is often "Title").
 */
export function subjectTitle({ metadata }: Pick<NamedSubject, 'metadata'>): string | null {
  const titled = Object.keys(metadata).filter((key) => key.toLowerCase() === 'title');
  for (const title of [metadata.canvas_label, ...titled.map((key) => metadata[key])]) if (typeof title === 'string' && title.trim()) return title.trim();
  return null;
}

/** A corpus passage's externalId as Chorus names it: its set's name and its number (`Letters#3`, `Letters#3 (2)`). */
const PASSAGE_NAME = /#\d+(?: \(\d+\))?$/;

/**
 * A text corpus's passage by the name Chorus gave it on upload (`Letters#3`), which is the same wherever it is shown
 * (the lab, downloads); null for any other subject, whose externalId is the researchers' own (`snip-199`).
 */
function passageName({ externalId, metadata }: Pick<NamedSubject, 'externalId' | 'metadata'>): string | null {
  return typeof metadata.passage === 'number' && externalId && PASSAGE_NAME.test(externalId) ? externalId : null;
}

/** What a subject's first image shows, as the researchers described it (a spreadsheet's `image_alt`), or null. */
function firstImageDescription({ locations }: Pick<NamedSubject, 'locations'>): string | null {
  const image = locations.find((location) => location.type === 'image');
  return image?.type === 'image' && image.alt ? image.alt : null;
}

/**
 * What the classifier heads a subject with, and names the next one by when it comes (when it has no text to read
 * out): its title, else a corpus passage's name (`Letters#3`), else what its first image shows, else null (to be
 * named by its place in the session, which differs per volunteer); never the researchers' own id.
 */
export const subjectHeading = (subject: NamedSubject): string | null => subjectTitle(subject) ?? passageName(subject) ?? firstImageDescription(subject);

/** Words of a subject's or a comment's in the quotation marks of the interface's language (“…”, « … », „…“). */
const quoted = (text: string): string => i18n.t('subject.quoted', { text });

/** The opening words of a text (a subject's, a comment's), in quotes, or null when it has none. */
export function quotedOpening(text: string | undefined): string | null {
  const words = text?.trim().split(/\s+/u).filter(Boolean) ?? [];
  if (!words.length) return null;
  return quoted(`${words.slice(0, OPENING_WORDS).join(' ')}${words.length > OPENING_WORDS ? '…' : ''}`);
}

/** The opening words of a subject's text, in quotes, or null when it has none. */
function openingWords(subject: Pick<NamedSubject, 'locations'>): string | null {
  return quotedOpening(subject.locations.find((location) => location.type === 'text')?.text);
}

/**
 * What researchers call a subject: its title, else their id, else the opening words of its text (a passage of a
 * corpus has no id, and "Subject" alone would name every one the same).
 */
export function subjectName(subject: NamedSubject): string | null {
  return subjectTitle(subject) ?? subject.externalId ?? openingWords(subject);
}

/**
 * What volunteers call a subject: its title, else the opening words of its text, else what its first image shows;
 * never the researchers' id, which means nothing to them (`snip-199`). Null when it has none of these.
 */
export function volunteerSubjectName(subject: Pick<NamedSubject, 'metadata' | 'locations'>): string | null {
  return subjectTitle(subject) ?? openingWords(subject) ?? firstImageDescription(subject);
}

/**
 * Names that tell a list's subjects apart, for what a screen reader reads of each (a link, a toggle), where the list shows
 * `volunteerSubjectName`: that name, but where two share it (texts that start alike) a text's longer opening, as the list
 * shows it below, and where that too is shared, its place among those ("“Dear Sir,” (2)"). `fallback` for one with no name.
 */
export function distinctSubjectNames(subjects: readonly Pick<NamedSubject, 'metadata' | 'locations'>[], fallback: string): string[] {
  const shared = (names: string[], name: string) => names.filter((each) => each === name).length > 1;
  const short = subjects.map((subject) => volunteerSubjectName(subject) ?? fallback);
  const longer = short.map((name, index) => (shared(short, name) ? longerName(subjects[index]!) ?? name : name));
  const seen = new Map<string, number>();
  return longer.map((name) => {
    if (!shared(longer, name)) return name;
    const place = (seen.get(name) ?? 0) + 1;
    seen.set(name, place);
    return place === 1 ? name : `${name} (${place})`;
  });
}

/** An untitled text subject's opening, in quotes, as long as a list shows it; null for any other. */
function longerName(subject: Pick<NamedSubject, 'metadata' | 'locations'>): string | null {
  const preview = subjectTitle(subject) ? null : subjectTextPreview(subject);
  return preview ? quoted(preview) : null;
}

/** The text a text subject shows, on one line and cut as a list cuts it (to be read out as it comes), else null. */
export function subjectTextPreview(subject: Pick<NamedSubject, 'locations'>): string | null {
  const text = subject.locations.find((location) => location.type === 'text')?.text;
  return text?.trim() ? textPreview(text) : null;
}

/** What a subject shows, in a few words, for researchers' lists: its opening words, or its first image or sound by name. */
export function whatSubjectShows(subject: Pick<QueuedSubject, 'locations' | 'metadata'>): string {
  const first = subject.locations[0];
  if (!first) return '';
  if (first.type === 'text') return openingWords(subject) ?? '';
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
 * else the subject's title (a IIIF canvas's label, when the canvas has no summary) or its text's opening words, so that it
 * is not only "Subject image"; never another image's description.
 */
export const imageDescription = (alt: string | undefined, subject: NamedSubject): string | null => alt ?? subjectTitle(subject) ?? openingWords(subject);
