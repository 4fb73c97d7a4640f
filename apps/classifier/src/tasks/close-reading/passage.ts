import type { QueuedSubject } from '@chorus/client';
import { type TextLocation, closeReadingPassage } from '@chorus/tasks';

export interface Word {
  start: number;
  end: number;
  text: string;
}

/** The text a close reading is about: the subject's first text location. Evidence offsets refer to it. */
export function passageOf(subject: QueuedSubject): TextLocation | undefined {
  return closeReadingPassage(subject.locations);
}

/** Words (letters and digits, with inner apostrophes and hyphens) and their [start, end) offsets. */
export function wordsOf(text: string): Word[] {
  return Array.from(text.matchAll(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu), (match) => ({
    start: match.index,
    end: match.index + match[0].length,
    text: match[0],
  }));
}

/** Selected word indices → evidence spans; neighbouring selected words become one span (with the space between). */
export function spansOf(words: readonly Word[], selected: ReadonlySet<number>): [number, number][] {
  const spans: [number, number][] = [];
  let previous = -2;
  for (let index = 0; index < words.length; index += 1) {
    if (!selected.has(index)) continue;
    const word = words[index]!;
    const last = spans[spans.length - 1];
    if (last && previous === index - 1) last[1] = word.end;
    else spans.push([word.start, word.end]);
    previous = index;
  }
  return spans;
}

/** Evidence spans → the indices of the words inside them. */
export function selectedWords(words: readonly Word[], spans: readonly (readonly [number, number])[] | undefined): Set<number> {
  const selected = new Set<number>();
  if (!spans?.length) return selected;
  words.forEach((word, index) => {
    if (spans.some(([start, end]) => word.start >= start && word.end <= end)) selected.add(index);
  });
  return selected;
}

export function overlaps(word: Word, spans: readonly (readonly [number, number])[] | undefined): boolean {
  return (spans ?? []).some(([start, end]) => word.start < end && start < word.end);
}

/** A word with the marks written against it (`(word`, `word.”`), which a line must not part from it. */
export interface WordRun {
  lead: string;
  word: Word;
  index: number;
  trail: string;
}

/**
 * The passage as the text between runs and the runs, in order: what touches a word without a space between goes with
 * it (a closing stop with the word before, an opening bracket with the word after), so that a line never begins with
 * a full stop or ends with a bracket. Text runs keep every space and line break.
 */
export function runsOf(text: string, words: readonly Word[]): (string | WordRun)[] {
  const parts: (string | WordRun)[] = [];
  let cursor = 0;
  let previous: WordRun | undefined;
  const between = (gap: string) => {
    const trail = previous ? /^\S*/.exec(gap)![0] : '';
    if (previous) previous.trail = trail;
    const rest = gap.slice(trail.length);
    const lead = /\S*$/.exec(rest)![0];
    const space = rest.slice(0, rest.length - lead.length);
    if (space) parts.push(space);
    return lead;
  };
  words.forEach((word, index) => {
    const lead = between(text.slice(cursor, word.start));
    previous = { lead, word, index, trail: '' };
    parts.push(previous);
    cursor = word.end;
  });
  // After the last word: what no word follows (a closing "…", a passage of marks only) is text too.
  const rest = between(text.slice(cursor));
  if (rest) parts.push(rest);
  return parts;
}
