import { Transform } from 'node:stream';
import { consensusOutcome } from '@chorus/consensus';
import type { PublishedTextOfTask } from '@chorus/client';
import type { Task } from '@chorus/tasks';
import type { StoredTaskConsensus } from '@chorus/consensus';
import { xmlAttribute, xmlText } from '../common/xml-text';
import { type TaskReview, settledAnswerCell } from './consensus-rows';

/**
 * What the text download writes in place of a page's text when it has none, an empty one, or one withheld; README and
 * the API documentation (`TRANSCRIPTIONS_IN_WORDS`) name these, in this order (apps/api/test/readme.test.ts checks).
 */
const TEXT_MARKERS = {
  notYet: '[not transcribed yet]',
  notReached: '[not transcribed: the consensus path does not lead to this task]',
  blank: '[blank: the consensus is that there is no text]',
  takenDown: '[withheld: taken down]',
} as const;

/**
 * The `<gap>` reason of the TEI download for a page without a text, by why (`withoutText`), where the text download
 * writes its marker; a blank one (the consensus
 * is that there is no text) is an empty `<ab/>` instead, no gap: nothing is missing.
 */
const TEI_GAPS: Record<Exclude<keyof typeof TEXT_MARKERS, 'blank'>, string> = {
  takenDown: 'withheld',
  notYet: 'not-transcribed-yet',
  notReached: 'not-reached',
};

/** The response headers of the IIIF download that count the annotations written and the subjects left out, by why. */
export const IIIF_COUNT_HEADERS = {
  annotations: 'Chorus-Annotations',
  withoutText: 'Chorus-Left-Out-Without-Text',
  notCanvas: 'Chorus-Left-Out-Not-Canvas',
  takenDown: 'Chorus-Left-Out-Taken-Down',
} as const;

/**
 * The line breaks a reader may split at besides `\n` (Python's `str.splitlines`, a JavaScript `^` with the m flag): the
 * text download writes each as `\n`, so that every reader sees the same lines.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+001C to U+001E are line breaks to Python's str.splitlines, so they are what this finds
const LINE_BREAKS = /\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]/g;

/** The text download's rule for a page's text, in the documentation's words (README says the same). */
const TEXT_RULE_IN_WORDS =
  "Line breaks are written `\\n`: a `\\r\\n`, a `\\r`, and each other character a reader may split lines at (U+2028, U+2029, U+0085, `\\v`, `\\f`, U+001C to U+001E: Python's `str.splitlines`, a JavaScript `^` with the m flag) becomes `\\n`; a text line that begins with `===` or with `\\`, or that is one of the markers below, is written with a `\\` before it (to read the text back, drop the first `\\` of each line that begins with one), so that only a heading begins with `===` and only a page without a text holds a marker; a heading's name has each run of whitespace, line breaks included, made one space. To read the pages back: each line that begins with `===` begins a page; its text is the lines after it up to the next heading, less the one empty line before that heading.";

/** What the transcriptions download gives, in the API documentation's words (README says the same). */
export const TRANSCRIPTIONS_IN_WORDS = [
  "A page per subject of the workflow (each subject the consensus download has a row for), in order: first by the subject's membership in a set linked to this workflow that a researcher made (an upload, not a routing effect's), by that set's age then the subject's position in it; then by its other memberships (routed, or in sets not linked to the workflow), the same way; then by subject id; subjects in no set last. So a later upload of a subject to an older set linked to the workflow moves its page (to that set's place), and linking or unlinking a set moves the pages of its subjects; routing a subject, or uploading it to a set not linked to the workflow, moves none. Each page's text is what the consensus download settles on for the task: its `<task>_reviewed_answer` when a researcher or reviewer reviewed it (approved or corrected), else its `<task>_answer`, the consensus of the volunteers' transcriptions.",
  '',
  `format=text (the default): plain UTF-8 text, each page headed by a line \`=== <externalId, else subject id> ===\`, then its text, a blank line between two pages. ${TEXT_RULE_IN_WORDS} A page without a text says why in its place: \`${TEXT_MARKERS.notYet}\` (no consensus yet: no counted transcription, or not aggregated yet), \`${TEXT_MARKERS.notReached}\` (an earlier question's consensus led elsewhere: the download's _outcome not_reached), \`${TEXT_MARKERS.blank}\` (the consensus, or a review, is an empty text), \`${TEXT_MARKERS.takenDown}\` (a subject the project's team took down, as the consensus download's taken_down says: a document is what gets published, so its text is withheld, its page kept in its place; the heading does not say it, since a name could end as such a flag would, while no text can write a marker).`,
  '',
  `format=iiif: a IIIF Presentation 3 AnnotationPage (JSON-LD, W3C Web Annotation), its id this download's address (without token): an Annotation per subject read from a IIIF manifest (its externalId an http(s) URI, the canvas id) whose text is not empty, \`motivation\` supplementing, \`body\` a TextualBody (\`value\` the text, \`format\` text/plain), \`target\` the canvas id. Headers count what it holds: \`${IIIF_COUNT_HEADERS.annotations}\` the annotations; left out, \`${IIIF_COUNT_HEADERS.withoutText}\` canvases without a text (or a blank one), \`${IIIF_COUNT_HEADERS.notCanvas}\` subjects not from a IIIF manifest (no canvas to target), \`${IIIF_COUNT_HEADERS.takenDown}\` subjects the project's team took down (their media and metadata withheld, as the consensus download withholds them, and with them what makes them a canvas). No viewer shows it by itself: host the file where the viewer can fetch it, add it to each canvas's \`annotations\` in the manifest (or a copy of it), and in Mirador add \`supplementing\` to \`annotations.filteredMotivations\` in its configuration (its default list leaves it out).`,
  '',
  `format=tei: one TEI P5 XML document (application/tei+xml, a .tei.xml file), \`<TEI xmlns="http://www.tei-c.org/ns/1.0">\`: its \`<teiHeader>\` names the workflow and task, and the subject set with subjectSetId (\`titleStmt\`'s title, the IIIF download's label), and the project (a \`<title type="sub">\`), says Chorus produced it and when (\`publicationStmt\`, a \`<date when>\`), and names the subject sets linked to the workflow, oldest first, or the one set with subjectSetId (\`sourceDesc\`, a \`<bibl>\` each with its \`<idno type="subject-set">\`); then \`<text><body>\` holds, per page in the text download's order, \`<pb n="<externalId, else subject id>" facs="<canvas id, else the subject's first image's URL>"/>\` (its spaces, tabs and line breaks percent-encoded, \`%20\`, since TEI reads facs as a list split at whitespace; no facs for a text, nor while it is taken down) and an \`<ab>\` of the text's lines, each line break the text download writes \`\\n\` an \`<lb/>\`. A page without a text has, in its \`<ab>\`, \`<gap reason="${TEI_GAPS.notYet}"/>\`, \`<gap reason="${TEI_GAPS.notReached}"/>\` or \`<gap reason="${TEI_GAPS.takenDown}"/>\` where the text download writes its marker; a blank one (the consensus is that there is no text) an empty \`<ab/>\`. Every text and name is escaped (\`&\`, \`<\`, \`>\`, quotes), and each character XML 1.0 forbids (a control character but tab and line breaks, U+FFFE, U+FFFF, half a surrogate pair) is written U+FFFD, the replacement character.`,
  '',
  "With subjectSetId (a set the workflow serves), only the pages of that set's subjects, in the set's own order (its members' positions), each subject of the set whatever other sets it is in too.",
  '',
  "Who may download it, its limits and its links are the consensus download's: a link made for the consensus (POST /workflows/:id/download-links, kind consensus, without a format) opens it too, /consensus in its address changed to /transcriptions and &task=… added; a link that carries a format (csv, json, ndjson) is refused (422 naming format): drop its format=, or make one without.",
].join('\n');

/** Why the IIIF download leaves a subject out (`IIIF_COUNT_HEADERS` counts each): the SQL of the rows and of the counts decides it (`leftOutSql`). */
export type LeftOut = Exclude<keyof typeof IIIF_COUNT_HEADERS, 'annotations'>;

/** A subject's row of the transcriptions download, in its set's order (`TRANSCRIPTION_ROWS`). */
export interface TranscriptionRow {
  subject_id: string;
  external_id: string | null;
  /** As the consensus download's `taken_down`. */
  taken_down: boolean;
  /** The task's consensus, as the consensus download reads it (`result` cut to its `counts` and `offPath`); null before the subject's first aggregation. */
  consensus: StoredTaskConsensus | null;
  review: TaskReview | null;
  /** The text it settles on is not empty (`hasTextSql`, which the IIIF download's counts ask too). */
  has_text: boolean;
  /** Why the IIIF download leaves it out, or null for a canvas it annotates (`leftOutSql`). */
  left_out: LeftOut | null;
  /** Only the TEI download's (`FACS`): what the page is of, its canvas's id, else its first image's URL; null for neither. */
  facs?: string | null;
}

/** A subject as a page of the document: its name, the text the task settles on, and why there is none. */
interface TranscriptionPage {
  subjectId: string;
  /** Its externalId, else its id. */
  name: string;
  takenDown: boolean;
  /** The consensus download's `<task>_reviewed_answer`, else its `<task>_answer` (`settledAnswerCell`); null when it has none. */
  text: string | null;
  /** `text` is not empty, as the SQL decides it (`TranscriptionRow`'s `has_text`). */
  hasText: boolean;
  leftOut: LeftOut | null;
  /** Its `<task>_outcome` (`not_reached`: the consensus path does not lead to the task), or `reviewed`. */
  outcome: ReturnType<typeof consensusOutcome> | 'reviewed';
  /** Its canvas's id, else its first image's URL; null for neither, and while it is taken down (its media withheld). */
  facs: string | null;
}

/** The text a row's task settles on, as the consensus download gives it (`settledAnswerCell`); null when it has none. */
function settledText(row: TranscriptionRow, task: Task): string | null {
  const text = settledAnswerCell(task, row.consensus ?? undefined, row.review ?? undefined);
  return typeof text === 'string' ? text : null;
}

/** A row as a page, its text settled as the consensus download settles it. */
export function transcriptionPage(row: TranscriptionRow, task: Task): TranscriptionPage {
  const consensus = row.consensus ?? undefined;
  // The cut `result` lacks `notReached`, which the stored row keeps beside it (`not_reached`).
  const outcome = row.review ? 'reviewed' : consensusOutcome(consensus && { ...consensus, result: { ...consensus.result, notReached: consensus.not_reached ?? undefined } });
  return {
    subjectId: row.subject_id,
    name: row.external_id ?? row.subject_id,
    takenDown: row.taken_down,
    text: settledText(row, task),
    hasText: row.has_text,
    leftOut: row.left_out,
    outcome,
    facs: row.taken_down ? null : (row.facs ?? null),
  };
}

/** The IIIF download's headers (`IIIF_COUNT_HEADERS`), from its counts (`TRANSCRIPTION_COUNTS`: Postgres's bigints, as text). */
export const iiifCountHeaders = (counts: Record<keyof typeof IIIF_COUNT_HEADERS, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(IIIF_COUNT_HEADERS).map(([count, header]) => [header, counts[count as keyof typeof IIIF_COUNT_HEADERS]]));

/** Line breaks as `\n`, whatever the volunteer's or reviewer's system wrote, and whatever else a reader splits lines at (`LINE_BREAKS`). */
const unixLines = (text: string) => text.replace(LINE_BREAKS, '\n');

/** A heading's name on one line: each run of whitespace (line breaks, every reader's, too) one space. */
const headingName = (name: string) => unixLines(name).replace(/\s+/g, ' ');

/** The markers, which a text line equal to one is escaped from being read as. */
const MARKERS: ReadonlySet<string> = new Set(Object.values(TEXT_MARKERS));

/**
 * A text's lines, a line that would read as a heading (`===`), as escaped (`\`) or as a marker escaped with a `\`
 * (`TEXT_RULE_IN_WORDS`).
 */
const escapedText = (text: string, markers: ReadonlySet<string> = MARKERS, headings: readonly string[] = ['===']) =>
  unixLines(text)
    .split('\n')
    .map((line) => (headings.some((heading) => line.startsWith(heading)) || line.startsWith('\\') || markers.has(line) ? `\\${line}` : line))
    .join('\n');

/** Why a page gives no text (the text download's marker, `TEXT_MARKERS`, names each), or null for one that gives its text. */
function withoutText(page: TranscriptionPage): keyof typeof TEXT_MARKERS | null {
  if (page.takenDown) return 'takenDown';
  if (page.hasText) return null;
  if (page.text === '') return 'blank';
  return page.outcome === 'not_reached' ? 'notReached' : 'notYet';
}

/** What a page of the text download holds under its heading: its text, escaped, or a marker saying why there is none. */
function pageBody(page: TranscriptionPage): string {
  const why = withoutText(page);
  return why ? TEXT_MARKERS[why] : escapedText(page.text ?? '');
}

/** A page of the text download: a heading line naming it, then what it holds (`pageBody`). */
const textPage = (page: TranscriptionPage) => `=== ${headingName(page.name)} ===\n${pageBody(page)}\n`;

/**
 * What goes before the next thing a document's writer writes: `head` the first time, nothing after. A writer's first
 * chunk is its head, written with its first page or, for a document without one, at its end.
 */
function once(head: string): () => string {
  let left = head;
  return () => {
    const written = left;
    left = '';
    return written;
  };
}

/** What a set's published text writes for a task's text held for a check (`waitingForCheck`), besides `TEXT_MARKERS`. */
const WAITING_FOR_CHECK = '[waiting for a check]';
const PUBLISHED_TEXT_MARKERS: ReadonlySet<string> = new Set([...MARKERS, WAITING_FOR_CHECK]);
/** How a set's published text heads each task's text where a page has several: a line `--- <instruction> ---`. */
const TASK_HEADING = '---';

/** A task's text on a page of a set's published text, escaped, or the marker saying why there is none. */
function publishedTaskBody({ text, state }: Pick<PublishedTextOfTask, 'text' | 'state'>): string {
  if (state === 'notReached') return TEXT_MARKERS.notReached;
  if (state === 'waitingForCheck') return WAITING_FOR_CHECK;
  if (text === null) return TEXT_MARKERS.notYet;
  return text === '' ? TEXT_MARKERS.blank : escapedText(text, PUBLISHED_TEXT_MARKERS, ['===', TASK_HEADING]);
}

/**
 * A page of a set's published text (`GET /subject-sets/:id/published-text?format=text`), as the text download writes
 * one: a heading line naming it, then each transcription task's text (`texts`, in the order the workflow reaches them,
 * a blank line between two, each headed `--- <instruction> ---` where there are several), escaped (a text line that
 * begins with `---` too), or a marker: `notYet` for a gap (`texts` null: not published, whatever the reason, as a
 * published result says no more) and for a task without a text, `notReached` for one the consensus path does not lead
 * to, `[waiting for a check]` for one held for a check, `blank` for an empty one.
 */
export function publishedTextPage(name: string, texts: readonly PublishedTextOfTask[] | null): string {
  const bodies = texts ? texts.map((text) => (texts.length > 1 ? `${TASK_HEADING} ${headingName(text.instruction)} ${TASK_HEADING}\n` : '') + publishedTaskBody(text)) : [TEXT_MARKERS.notYet];
  return `=== ${headingName(name)} ===\n${bodies.join('\n\n')}\n`;
}

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
interface AnnotationPageOf {
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
  const opening = once(`{"@context":"http://iiif.io/api/presentation/3/context.json","id":${JSON.stringify(of.id)},"type":"AnnotationPage","label":{"en":[${JSON.stringify(of.label)}]},"items":[`);
  return new Transform({
    writableObjectMode: true,
    transform(page: TranscriptionPage, _encoding, done) {
      if (page.leftOut) return done(null, opening());
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

/** What the TEI download is of, for its header: the project, the workflow and task, the sets it reads, and when. */
export interface TeiDocumentOf {
  project: string;
  /** The document's title, the IIIF download's label. */
  title: string;
  /** The sets linked to the workflow, oldest first. */
  subjectSets: { id: string; name: string }[];
  producedAt: Date;
}

/** A name in the TEI download, on one line (as the text download's headings are) and escaped. */
const teiName = (name: string) => xmlText(headingName(name));

/** The TEI header: who and what the document is of, that Chorus produced it and when, and which subject sets it reads. */
function teiHeader(of: TeiDocumentOf): string {
  const when = of.producedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  const sets = of.subjectSets.map((set) => `<bibl><title>${teiName(set.name)}</title> <idno type="subject-set">${xmlText(set.id)}</idno></bibl>`);
  return [
    '<teiHeader>',
    '<fileDesc>',
    `<titleStmt><title>${teiName(of.title)}</title><title type="sub">Project “${teiName(of.project)}”</title></titleStmt>`,
    `<publicationStmt><p>Produced by Chorus on <date when="${when}">${when}</date>, from the consensus of the volunteers’ transcriptions (or a researcher’s or reviewer’s review of it).</p></publicationStmt>`,
    `<sourceDesc>${sets.length ? sets.join('') : '<p>No subject set is linked to the workflow.</p>'}</sourceDesc>`,
    '</fileDesc>',
    '</teiHeader>',
  ].join('\n');
}

/** A page's `<ab>`: its text's lines (every reader's line breaks, `LINE_BREAKS`) separated by `<lb/>`, a gap saying why there is none, or empty for a blank one. */
function teiBlock(page: TranscriptionPage): string {
  const why = withoutText(page);
  if (why === 'blank') return '<ab/>';
  if (why) return `<ab><gap reason="${TEI_GAPS[why]}"/></ab>`;
  return `<ab>${unixLines(page.text ?? '').split('\n').map(xmlText).join('<lb/>')}</ab>`;
}

/**
 * A URL as one pointer of TEI's `facs`, a list its readers split at whitespace: each whitespace character XML knows
 * percent-encoded (a space `%20`), as a URL writes it.
 */
const facsPointer = (url: string) => url.replace(/[ \t\n\r]/g, (space) => `%${space.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/** A page of the TEI download: a page break naming it (and what it is of, `facs`, unless withheld), then its `<ab>`. */
const teiPage = (page: TranscriptionPage) =>
  `<pb n="${xmlAttribute(headingName(page.name))}"${page.facs ? ` facs="${xmlAttribute(facsPointer(page.facs))}"` : ''}/>\n${teiBlock(page)}\n`;

/**
 * The TEI download: one TEI P5 document, its header (`teiHeader`), then a page break and an `<ab>` per page in the
 * text download's order, written as the pages come.
 */
export function teiWriter(of: TeiDocumentOf): Transform {
  const opening = once(`<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n${teiHeader(of)}\n<text>\n<body>\n`);
  let pages = 0;
  return new Transform({
    writableObjectMode: true,
    transform(page: TranscriptionPage, _encoding, done) {
      done(null, `${opening()}${teiPage(page)}`);
      pages += 1;
    },
    flush(done) {
      // TEI's body holds at least one block.
      done(null, `${opening()}${pages ? '' : '<p>The workflow has no subject.</p>\n'}</body>\n</text>\n</TEI>\n`);
    },
  });
}
