import { Transform } from 'node:stream';
import { consensusOutcome } from '@chorus/consensus';
import type { Task } from '@chorus/tasks';
import type { StoredTaskConsensus } from '../common/stored-consensus';
import { type TaskReview, settledAnswerCell } from './consensus-rows';

/** The forms of the transcriptions download: plain text, or a IIIF Presentation 3 AnnotationPage. */
export const TRANSCRIPTION_FORMATS = ['text', 'iiif'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

/** What the text download writes in place of a page's text when it has none, an empty one, or one withheld. */
export const TEXT_MARKERS = {
  notYet: '[not transcribed yet]',
  notReached: '[not transcribed: the consensus path does not lead to this task]',
  blank: '[blank: the consensus is that there is no text]',
  takenDown: '[withheld: taken down]',
} as const;

/** The response headers of the IIIF download that count the annotations written and the subjects left out, by why. */
export const IIIF_COUNT_HEADERS = {
  annotations: 'Chorus-Annotations',
  withoutText: 'Chorus-Left-Out-Without-Text',
  notCanvas: 'Chorus-Left-Out-Not-Canvas',
  takenDown: 'Chorus-Left-Out-Taken-Down',
} as const;

/** The text download's rule for a page's text, in the documentation's words (README says the same). */
const TEXT_RULE_IN_WORDS =
  "Line breaks are written `\\n` (a `\\r\\n` or `\\r` becomes `\\n`); a text line that begins with `===` or with `\\` is written with a `\\` before it (to read the text back, drop the first `\\` of each line that begins with one), so that only a heading begins with `===`; a heading's name has each run of whitespace, line breaks included, made one space. To read the pages back: each line that begins with `===` begins a page; its text is the lines after it up to the next heading, less the one empty line before that heading.";

/** What the transcriptions download gives, in the API documentation's words (README says the same). */
export const TRANSCRIPTIONS_IN_WORDS = [
  "A page per subject of the workflow (each subject the consensus download has a row for), in order: first by the subject's membership in a set linked to this workflow that a researcher made (an upload, not a routing effect's), by that set's age then the subject's position in it; then by its other memberships (routed, or in sets not linked to the workflow), the same way; then by subject id; subjects in no set last. Each page's text is what the consensus download settles on for the task: its `<task>_reviewed_answer` when a researcher or reviewer reviewed it (approved or corrected), else its `<task>_answer`, the consensus of the volunteers' transcriptions.",
  '',
  `format=text (the default): plain UTF-8 text, each page headed by a line \`=== <externalId, else subject id> ===\` (\`(taken down)\` after the name for a subject the project's team took down, as the consensus download's taken_down says), then its text, a blank line between two pages. ${TEXT_RULE_IN_WORDS} A page without a text says why in its place: \`${TEXT_MARKERS.notYet}\` (no consensus yet: no counted transcription, or not aggregated yet), \`${TEXT_MARKERS.notReached}\` (an earlier question's consensus led elsewhere: the download's _outcome not_reached), \`${TEXT_MARKERS.blank}\` (the consensus, or a review, is an empty text), \`${TEXT_MARKERS.takenDown}\` (a subject the project's team took down: a document is what gets published, so its text is withheld, its page kept in its place).`,
  '',
  `format=iiif: a IIIF Presentation 3 AnnotationPage (JSON-LD, W3C Web Annotation), its id this download's address (without token): an Annotation per subject read from a IIIF manifest (its externalId an http(s) URI, the canvas id) whose text is not empty, \`motivation\` supplementing, \`body\` a TextualBody (\`value\` the text, \`format\` text/plain), \`target\` the canvas id. Headers count what it holds: \`${IIIF_COUNT_HEADERS.annotations}\` the annotations; left out, \`${IIIF_COUNT_HEADERS.withoutText}\` canvases without a text (or a blank one), \`${IIIF_COUNT_HEADERS.notCanvas}\` subjects not from a IIIF manifest (no canvas to target), \`${IIIF_COUNT_HEADERS.takenDown}\` subjects the project's team took down (their media and metadata withheld, as the consensus download withholds them, and with them what makes them a canvas). No viewer shows it by itself: host the file where the viewer can fetch it, add it to each canvas's \`annotations\` in the manifest (or a copy of it), and in Mirador add \`supplementing\` to \`annotations.filteredMotivations\` in its configuration (its default list leaves it out).`,
  '',
  "Who may download it, its limits and its links are the consensus download's: a link made for the consensus (POST /workflows/:id/download-links, kind consensus, without a format) opens it too, /consensus in its address changed to /transcriptions and &task=… added; a link that carries a format (csv, json, ndjson) is refused (422 naming format): drop its format=, or make one without.",
].join('\n');

/** A subject's row of the transcriptions download, in its set's order (`transcriptionRows`). */
export interface TranscriptionRow {
  subject_id: string;
  external_id: string | null;
  /** As the consensus download's `taken_down`. */
  taken_down: boolean;
  /** A subject read from a IIIF manifest (its externalId the canvas id), with that manifest's id; null for another subject, and while it is taken down (`withheldWhileTakenDownSql`, as its metadata). */
  canvas: { manifest: string | null } | null;
  /** The task's consensus, as the consensus download reads it (`result` cut to its `counts` and `offPath`); null before the subject's first aggregation. */
  consensus: StoredTaskConsensus | null;
  review: TaskReview | null;
}

/** A subject as a page of the document: its name, the text the task settles on, and why there is none. */
export interface TranscriptionPage {
  subjectId: string;
  /** Its externalId, else its id. */
  name: string;
  takenDown: boolean;
  canvas: TranscriptionRow['canvas'];
  /** The consensus download's `<task>_reviewed_answer`, else its `<task>_answer` (`settledAnswerCell`); null when it has none. */
  text: string | null;
  /** Its `<task>_outcome` (`not_reached`: the consensus path does not lead to the task), or `reviewed`. */
  outcome: ReturnType<typeof consensusOutcome> | 'reviewed';
}

/** What a row's text is settled from: the task's consensus answer (none before the first aggregation), and its review. */
interface TextOf {
  consensus: Pick<StoredTaskConsensus, 'answer'> | null;
  review: TaskReview | null;
}

/** The text a row's task settles on, as the consensus download gives it (`settledAnswerCell`); null when it has none. */
function settledText(row: TextOf, task: Task): string | null {
  const text = settledAnswerCell(task, row.consensus ?? undefined, row.review ?? undefined);
  return typeof text === 'string' ? text : null;
}

/** A row as a page, its text settled as the consensus download settles it. */
export function transcriptionPage(row: TranscriptionRow, task: Task): TranscriptionPage {
  const consensus = row.consensus ?? undefined;
  // The cut `result` lacks `notReached`, which the stored row keeps beside it (`not_reached`).
  const outcome = row.review ? 'reviewed' : consensusOutcome(consensus && { ...consensus, result: { ...consensus.result, notReached: consensus.not_reached ?? undefined } });
  return { subjectId: row.subject_id, name: row.external_id ?? row.subject_id, takenDown: row.taken_down, canvas: row.canvas, text: settledText(row, task), outcome };
}

/** Why the IIIF download leaves a page out (no canvas, taken down, no text), or null for a page it annotates. */
function leftOutFor(page: Pick<TranscriptionPage, 'canvas' | 'takenDown' | 'text'>): 'withoutText' | 'notCanvas' | 'takenDown' | null {
  if (!page.canvas) return page.takenDown ? 'takenDown' : 'notCanvas';
  return page.text ? null : 'withoutText';
}

/**
 * The IIIF download's headers (`IIIF_COUNT_HEADERS`): its annotations and the subjects it leaves out, by why, counted
 * from its rows read with each text cut to its first character (`TRANSCRIPTION_COUNTS`), enough to tell an empty one.
 */
export function iiifCountHeaders(rows: readonly (Pick<TranscriptionRow, 'canvas' | 'taken_down'> & TextOf)[], task: Task): Record<string, string> {
  const counts = { annotations: 0, withoutText: 0, notCanvas: 0, takenDown: 0 };
  for (const row of rows) counts[leftOutFor({ canvas: row.canvas, takenDown: row.taken_down, text: settledText(row, task) }) ?? 'annotations'] += 1;
  return Object.fromEntries(Object.entries(IIIF_COUNT_HEADERS).map(([count, header]) => [header, String(counts[count as keyof typeof counts])]));
}

/** Line breaks as `\n`, whatever the volunteer's or reviewer's system wrote. */
const unixLines = (text: string) => text.replace(/\r\n?/g, '\n');

/** A heading's name on one line: each run of whitespace (line breaks too) one space. */
const headingName = (name: string) => unixLines(name).replace(/\s+/g, ' ');

/**
 * A text's lines, a line that would read as a heading (`===`) or as escaped (`\`) escaped with a `\` (`TEXT_RULE_IN_WORDS`).
 * Split at `\n` only, as a reader splits: a regular expression's `^` would match after U+2028 too.
 */
const escapedText = (text: string) =>
  unixLines(text)
    .split('\n')
    .map((line) => (line.startsWith('===') || line.startsWith('\\') ? `\\${line}` : line))
    .join('\n');

/** What a page of the text download holds under its heading: its text, escaped, or a marker saying why there is none. */
function pageBody(page: TranscriptionPage): string {
  if (page.takenDown) return TEXT_MARKERS.takenDown;
  if (page.text) return escapedText(page.text);
  if (page.text === '') return TEXT_MARKERS.blank;
  return page.outcome === 'not_reached' ? TEXT_MARKERS.notReached : TEXT_MARKERS.notYet;
}

/** A page of the text download: a heading line naming it, then what it holds (`pageBody`). */
const textPage = (page: TranscriptionPage) => `=== ${headingName(page.name)}${page.takenDown ? ' (taken down)' : ''} ===\n${pageBody(page)}\n`;

/** The text download: each page as `textPage` writes it, a blank line between two. */
export function textWriter(): Transform {
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(page: TranscriptionPage, _encoding, done) {
      done(null, `${first ? '' : '\n'}${textPage(page)}`);
      first = false;
    },
  });
}

/** Where the IIIF download is, and what it is of: its id and its label's words. */
export interface AnnotationPageOf {
  id: string;
  label: string;
}

/**
 * The IIIF download: one AnnotationPage (IIIF Presentation 3, W3C Web Annotation), an annotation per canvas whose
 * task has a text (`supplementing`: the canvas's text, as a viewer shows a transcription). What it leaves out is
 * counted in its headers (`iiifCountHeaders`): the Presentation 3 schema allows no other property on the page.
 */
export function iiifWriter(of: AnnotationPageOf): Transform {
  let annotations = 0;
  let head = `{"@context":"http://iiif.io/api/presentation/3/context.json","id":${JSON.stringify(of.id)},"type":"AnnotationPage","label":{"en":[${JSON.stringify(of.label)}]},"items":[`;
  /** What goes before the next thing written: the head, until it is written. */
  const opening = () => {
    const written = head;
    head = '';
    return written;
  };
  return new Transform({
    writableObjectMode: true,
    transform(page: TranscriptionPage, _encoding, done) {
      if (leftOutFor(page)) return done(null, opening());
      const annotation = {
        id: `${of.id}#subject-${page.subjectId}`,
        type: 'Annotation',
        motivation: 'supplementing',
        body: { type: 'TextualBody', value: page.text, format: 'text/plain' },
        target: page.name,
      };
      done(null, `${opening()}${annotations ? ',' : ''}\n${JSON.stringify(annotation)}`);
      annotations += 1;
    },
    flush(done) {
      done(null, `${opening()}\n]}\n`);
    },
  });
}
