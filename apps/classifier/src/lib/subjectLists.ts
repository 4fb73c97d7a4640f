/** Lists of subjects as a researcher types or pastes them in the lab, read as the API is asked (no words here: see lab.ts). */
import { tidyExternalId } from '@chorus/tasks';

/** A subject as the researcher typed it in a list: its text (an externalId, or a Chorus subject id) and its line. */
export interface ListedSubject {
  text: string;
  line: number;
}

/** A subject of a list of priorities, with the priority typed after it. */
export interface ListedPriority extends ListedSubject {
  priority: number;
}

/**
 * Subjects typed one per line (a column pasted from a spreadsheet; a row pasted, its cells separated by tabs, gives one
 * per cell), each with the line it is on, read as the API reads an externalId; a subject typed twice is taken once.
 * Not split at commas: an archive's external_id may hold one ("Box 3, f. 2").
 */
export function listedSubjects(typed: string): ListedSubject[] {
  const seen = new Set<string>();
  return typed.split(/\r?\n/).flatMap((row, index) =>
    row
      .split('\t')
      .map(tidyExternalId)
      .filter((text) => text && !seen.has(text) && seen.add(text))
      .map((text) => ({ text, line: index + 1 })),
  );
}

/** A line of a list of priorities that is not a subject and a priority (`first`: the line that gave the subject already). */
export type PriorityLineProblem = { line: number; text?: undefined } | { line: number; text: string; first: number };

/**
 * A subject and its priority on each line ("snippet-1, 2", or separated by a tab or a semicolon: not by a space alone,
 * which an external_id may hold, as in "page 7"; the last separator counts), and each line that is not one, or gives a
 * subject a second priority.
 */
export function prioritiesListed(typed: string): { listed: ListedPriority[]; problems: PriorityLineProblem[] } {
  const listed: ListedPriority[] = [];
  const problems: PriorityLineProblem[] = [];
  typed.split(/\r?\n/).forEach((row, index) => {
    if (!row.trim()) return;
    const line = index + 1;
    const match = /^\s*(.+?)\s*[,;\t]\s*([-+]?[\d.]+(?:e[-+]?\d+)?)\s*$/i.exec(row);
    const priority = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(priority)) {
      problems.push({ line });
      return;
    }
    const text = tidyExternalId(match[1]!);
    const first = listed.find((entry) => entry.text === text);
    if (first) problems.push({ line, text, first: first.line });
    else listed.push({ text, line, priority });
  });
  return { listed, problems };
}

/** A Chorus subject id (what the downloads call `subject_id`), as opposed to the institution's externalId. */
const SUBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How the API takes a listed subject: by its Chorus id when it is typed as one, else by its externalId. */
export const subjectNamed = ({ text }: ListedSubject): { subjectId: string } | { externalId: string } =>
  SUBJECT_ID.test(text) ? { subjectId: text.toLowerCase() } : { externalId: text };

/** Listed subjects as a retirement request names them, and which entry each of its lists' items came from. */
export function subjectsNamed(listed: readonly ListedSubject[]): { subjectIds: string[]; externalIds: string[]; sent: SentLists } {
  const byId = listed.filter((entry) => 'subjectId' in subjectNamed(entry));
  const byExternalId = listed.filter((entry) => 'externalId' in subjectNamed(entry));
  return {
    subjectIds: byId.map((entry) => entry.text.toLowerCase()),
    externalIds: byExternalId.map((entry) => entry.text),
    sent: { subjectIds: byId, externalIds: byExternalId },
  };
}

/** The listed subjects a request sent, by the name of the list the API's pointers name (`/externalIds/3`, `/priorities/3/...`). */
export type SentLists = Record<string, readonly ListedSubject[]>;
