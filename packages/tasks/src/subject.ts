import { z } from 'zod';
import { MOST_LOCATIONS, metadataSchema, numbersNotKept } from './common';

const span = z.tuple([z.int().min(0), z.int().min(1)]).refine(([start, end]) => end > start, 'a span is [start, end) with end after start');

/** The longest description (`alt`) an image may have. */
export const LONGEST_ALT = 1000;
/** What an image shows, for volunteers who cannot see it (a catalogue's caption, say): read out as its name. */
export const imageDescriptionSchema = z.string().trim().min(1).max(LONGEST_ALT);

/** The longest address of an image or a recording Chorus keeps. */
export const LONGEST_MEDIA_URL = 2000;
/** The address of an image or a recording on the web, of one of `protocols` (a `javascript:` or `data:` address is refused). */
const webAddress = (protocols: RegExp, error: string) => z.url({ protocol: protocols, error }).max(LONGEST_MEDIA_URL);
const mediaUrl = webAddress(/^https?$/, 'must be an http(s) URL');
/**
 * A project's image (its cards and its page show it), by the rules of a subject's image but https only: the page that
 * shows it is Chorus's, and browsers block or flag an http image on an https page.
 */
export const projectImageUrlSchema = webAddress(/^https$/, 'must be an https URL (https://…): browsers block or flag an http image on an https page');

/**
 * One medium of a subject, in order: an image (optionally with a IIIF Image API service), a sound recording (bird
 * song, speech: a file the browser plays, such as MP3, Ogg or WAV), or a text.
 */
export const subjectLocationSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('image'),
    url: mediaUrl,
    iiifService: mediaUrl.optional(),
    alt: imageDescriptionSchema.optional(),
  }),
  z.strictObject({ type: z.literal('audio'), url: mediaUrl }),
  z
    .strictObject({
      type: z.literal('text'),
      text: z.string().min(1).max(100_000),
      /** Character spans to highlight, e.g. the keyword of a close-reading task. */
      highlights: z.array(span).max(100).optional(),
    })
    .superRefine((location, ctx) => {
      location.highlights?.forEach(([, end], index) => {
        if (end > location.text.length) ctx.addIssue({ code: 'custom', path: ['highlights', index], message: `ends after the text (length ${location.text.length})` });
      });
    }),
]);
export type SubjectLocation = z.infer<typeof subjectLocationSchema>;
export type TextLocation = Extract<SubjectLocation, { type: 'text' }>;

/**
 * The subject's text that tasks work on: its first text location (a close reading's passage, the text a correction
 * starts from), or undefined for a subject without one.
 */
export function subjectText(locations: readonly SubjectLocation[]): TextLocation | undefined {
  return locations.find((location): location is TextLocation => location.type === 'text');
}

/**
 * A subject's metadata travels with it in every queue answer, so it is kept to what a caption needs; and it is what
 * the downloads trace a row back to the catalogue by, so a long catalogue number must arrive as it was sent.
 */
const subjectMetadataSchema = metadataSchema('put long texts in a text location, or link to them').superRefine((metadata, ctx) => {
  for (const path of numbersNotKept(metadata)) {
    ctx.addIssue({ code: 'custom', path, message: 'is a number too large to be kept exactly (a catalogue number of 16 digits or more, say): send it as a string, in quotes' });
  }
});

/** Spaces, and what shows nothing (Unicode's default-ignorable code points: LRM, RLM, ALM, embeddings, isolates, BOM…). */
const AT_EITHER_END = /^[\s\p{Default_Ignorable_Code_Point}]+|[\s\p{Default_Ignorable_Code_Point}]+$/gu;

/**
 * An externalId as it is stored and looked up, the one rule of every way one arrives (uploads of each format, retiring,
 * priorities, the results search): its letters composed (NFC: `أ` sent as `ا` and a combining hamza, as a file saved
 * on a Mac may send it, is the same id), without the spaces and direction marks at either end (an RLM an Arabic or
 * Hebrew keyboard leaves after an id). Its digits stay as written: `٠١٢` and `012` are different ids.
 */
export const tidyExternalId = (id: string): string => id.normalize('NFC').replace(AT_EITHER_END, '');

/** The institution's own id of a subject (a catalogue or page number), unique in its project, read by `tidyExternalId`. */
export const externalIdSchema = z.string().overwrite(tidyExternalId).min(1).max(500);

/**
 * Each subject whose externalId an earlier one has, as stored (`tidyExternalId`: `s3` and `s3` with a direction mark
 * after it are one id), at its index, saying which it repeats as `nameOf` names the first (a file names it by its own
 * count: line 102 of a CSV, not subject 100). One upload refuses each; the lab says it too, of a file it would send
 * in parts (which, each read alone, would take a repeat for a file sent again), by this same comparison.
 */
export function repeatedExternalIds(subjects: readonly { externalId?: string }[], nameOf: (first: number) => string): { index: number; message: string }[] {
  const seen = new Map<string, number>();
  return subjects.flatMap(({ externalId }, index) => {
    if (externalId === undefined) return [];
    const id = tidyExternalId(externalId);
    // An id that is nothing once tidied is refused as empty by the schema, not as a repeat.
    if (!id) return [];
    const first = seen.get(id);
    if (first === undefined) seen.set(id, index);
    return first === undefined ? [] : [{ index, message: `repeats ${nameOf(first)}'s externalId "${id}"` }];
  });
}

let zeros: number[] | undefined;
/**
 * Each script's zero: Unicode assigns a script's decimal digits (`Nd`) in a run of ten, zero first, all in its first
 * two planes (the others hold ideographs, tags and private use).
 */
function digitZeros(): number[] {
  if (zeros) return zeros;
  const found: number[] = [];
  for (let point = 0; point < 0x20000; point++) {
    if (point >= (found.at(-1) ?? -10) + 10 && /\p{Nd}/u.test(String.fromCodePoint(point))) found.push(point);
  }
  zeros = found;
  return zeros;
}
/** `id` written with each script's digits in turn (`رسالة-012`: `رسالة-٠١٢`, `رسالة-۰۱۲`, `رسالة-०१२`, …), as itself if it has none. */
export function inEachScriptsDigits(id: string): string[] {
  if (!/\p{Nd}/u.test(id)) return [id];
  const valueOfDigit = (digit: string) => digit.codePointAt(0)! - digitZeros().findLast((zero) => zero <= digit.codePointAt(0)!)!;
  return digitZeros().map((zero) => id.replace(/\p{Nd}/gu, (digit) => String.fromCodePoint(zero + valueOfDigit(digit))));
}

/** What volunteers are shown of a subject, in order. */
export const subjectLocationsSchema = z.array(subjectLocationSchema).min(1, 'a subject needs at least one location: an image, a sound or a text').max(MOST_LOCATIONS);

export const subjectInputSchema = z.strictObject({
  locations: subjectLocationsSchema,
  metadata: subjectMetadataSchema.default({}),
  externalId: externalIdSchema.optional(),
  /** Its priority in the workflows its set feeds, now and linked later (lower is served first under the `priority` order); 0 unless given. */
  priority: z
    .number('must be a number: lower is served first under the priority order')
    .finite()
    .optional()
    .meta({ description: 'Its priority in every workflow its set feeds at the upload, and kept with the set for a workflow linked to it later (lowest served first under the `priority` order); 0 unless given' }),
  /** Known answers per task key; makes this a gold-standard subject. */
  goldStandard: z
    .record(z.string(), z.unknown())
    .refine((answers) => Object.keys(answers).length > 0, 'names no task; give the known answer of at least one task, or leave goldStandard out')
    .optional(),
}).refine((subject) => !subject.goldStandard || subject.externalId !== undefined, {
  path: ['externalId'],
  message: 'is required for a gold-standard subject: its known answers are corrected by sending it again with the same externalId',
});
export type SubjectInput = z.input<typeof subjectInputSchema>;

/**
 * Metadata keys starting with one of these are for researchers only and never reach volunteers: Zooniverse's private
 * prefixes `#` and `//`, and its `!` (kept out of its classifier; Chorus has no other place that would show it).
 */
export const PRIVATE_METADATA_PREFIXES = ['#', '//', '!'] as const;

export function isPrivateMetadataKey(key: string): boolean {
  return PRIVATE_METADATA_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export function publicMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !isPrivateMetadataKey(key)));
}
