import { Transform } from 'node:stream';
import { consensusOutcome } from '@chorus/consensus';
import type { Task } from '@chorus/tasks';
import type { StoredTaskConsensus } from '../common/stored-consensus';
import { type TaskReview, settledAnswerCell } from './consensus-rows';

/** The forms of the transcriptions download: plain text, or a IIIF Presentation 3 AnnotationPage. */
export const TRANSCRIPTION_FORMATS = ['text', 'iiif'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

/** What the text download writes in place of a page's text when it has none, or an empty one. */
export const TEXT_MARKERS = {
  notYet: '[not transcribed yet]',
  notReached: '[not transcribed: the consensus path does not lead to this task]',
  blank: '[blank: the consensus is that there is no text]',
} as const;

/** What the transcriptions download gives, in the API documentation's words (README says the same). */
export const TRANSCRIPTIONS_IN_WORDS = [
  "A page per subject of the workflow (each subject the consensus download has a row for), in its set's order: the oldest of the project's subject sets it is in (the first of its `subject_set_ids`), then its position there; subjects in no set last. Each page's text is what the consensus download settles on for the task: its `<task>_reviewed_answer` when a researcher or reviewer reviewed it (approved or corrected), else its `<task>_answer`, the consensus of the volunteers' transcriptions, its lines as they are.",
  '',
  `format=text (the default): plain UTF-8 text, each page headed by a line \`=== <externalId, else subject id> ===\` (\`(taken down)\` after the name for a subject the project's team took down, as the consensus download's taken_down says), then its text, a blank line between two pages. A page without a text says why in its place: \`${TEXT_MARKERS.notYet}\` (no consensus yet: no counted transcription, or not aggregated yet), \`${TEXT_MARKERS.notReached}\` (an earlier question's consensus led elsewhere: the download's _outcome not_reached), \`${TEXT_MARKERS.blank}\` (the consensus, or a review, is an empty text).`,
  '',
  "format=iiif: a IIIF Presentation 3 AnnotationPage (JSON-LD, W3C Web Annotation) for Mirador or Universal Viewer, its id this download's address (without token): an Annotation per subject read from a IIIF manifest (its externalId the canvas id) whose text is not empty, `motivation` supplementing, `body` a TextualBody (`value` the text, `format` text/plain, `language` the project's language), `target` the canvas id. Left out, and counted in the page's `summary`: canvases without a text, subjects not from a IIIF manifest (no canvas to target), and subjects the project's team took down (their media and metadata withheld, as the consensus download withholds them, and with them what makes them a canvas).",
  '',
  "A take-down withholds a subject's media and metadata, never the consensus answers (the consensus download's words): the text download still gives a taken-down subject's text, its heading saying it is taken down; drop such pages yourself if they must go too. Who may download it, its limits and its links are the consensus download's: a link made for the consensus (POST /workflows/:id/download-links, kind consensus) opens it too, /consensus in its address changed to /transcriptions?task=….",
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

/** A row as a page, its text settled as the consensus download settles it. */
export function transcriptionPage(row: TranscriptionRow, task: Task): TranscriptionPage {
  const consensus = row.consensus ?? undefined;
  const text = settledAnswerCell(task, consensus, row.review ?? undefined);
  // The cut `result` lacks `notReached`, which the stored row keeps beside it (`not_reached`).
  const outcome = row.review ? 'reviewed' : consensusOutcome(consensus && { ...consensus, result: { ...consensus.result, notReached: consensus.not_reached ?? undefined } });
  return { subjectId: row.subject_id, name: row.external_id ?? row.subject_id, takenDown: row.taken_down, canvas: row.canvas, text: typeof text === 'string' ? text : null, outcome };
}

/** A page of the text download: a heading line naming it, then its text's lines as they are (or a marker). */
function textPage(page: TranscriptionPage): string {
  const heading = `=== ${page.name}${page.takenDown ? ' (taken down)' : ''} ===`;
  if (page.text) return `${heading}\n${page.text}\n`;
  if (page.text === '') return `${heading}\n${TEXT_MARKERS.blank}\n`;
  return `${heading}\n${page.outcome === 'not_reached' ? TEXT_MARKERS.notReached : TEXT_MARKERS.notYet}\n`;
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

/** Where the IIIF download is, and what it is of: its id, the project's language, and its label's words. */
export interface AnnotationPageOf {
  id: string;
  language: string;
  label: string;
}

/** How many subjects of each kind the IIIF download left out, in its summary's words. */
function leftOutInWords(left: { withoutText: number; notCanvas: number; takenDown: number }): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `${count(left.withoutText, 'canvas', 'canvases')} without a text yet (or a blank one)`,
    `${count(left.notCanvas, 'subject', 'subjects')} not from a IIIF manifest (no canvas to annotate)`,
    `${count(left.takenDown, 'subject', 'subjects')} taken down (withheld, as the consensus download withholds its media and metadata)`,
  ].join(', ');
}

/**
 * The IIIF download: one AnnotationPage (IIIF Presentation 3, W3C Web Annotation), an annotation per canvas whose
 * task has a text (`supplementing`: the canvas's text, as a viewer shows a transcription), and its `summary` (written
 * last: JSON's keys have no order) counting the subjects left out, by why.
 */
export function iiifWriter(of: AnnotationPageOf): Transform {
  const left = { withoutText: 0, notCanvas: 0, takenDown: 0 };
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
      if (!page.canvas) left[page.takenDown ? 'takenDown' : 'notCanvas'] += 1;
      else if (!page.text) left.withoutText += 1;
      if (!page.canvas || !page.text) return done(null, opening());
      const annotation = {
        id: `${of.id}#subject-${page.subjectId}`,
        type: 'Annotation',
        motivation: 'supplementing',
        body: { type: 'TextualBody', value: page.text, format: 'text/plain', language: of.language },
        target: page.name,
      };
      done(null, `${opening()}${annotations ? ',' : ''}\n${JSON.stringify(annotation)}`);
      annotations += 1;
    },
    flush(done) {
      const summary = `${annotations} annotation${annotations === 1 ? '' : 's'}, one per canvas with a text; left out: ${leftOutInWords(left)}.`;
      done(null, `${opening()}\n],"summary":{"en":[${JSON.stringify(summary)}]}}\n`);
    },
  });
}
