/**
 * Text tags in transcriptions: a volunteer wraps words in `[unclear]…[/unclear]` (or another tag of the task's
 * `textTags`), possibly across words and lines. For the consensus, the words are aligned without their tags, and each
 * tag is voted on per word (see `transcriptionConsensus`).
 */

const MARKER = /\[(\/?)([a-z][a-z-]{0,31})\]/g;

/** A transcription without its tags: its lines of plain text, and for each of its words, in order, the tags around it. */
export interface UntaggedText {
  lines: string[];
  tags: string[][];
}

/** Splits the tags from a transcription; empty lines (a line of tags alone too) are left out. */
export function untag(text: string): UntaggedText {
  const open = new Set<string>();
  const lines: string[] = [];
  const tags: string[][] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const words: string[] = [];
    for (const token of line.split(/\s+/u)) {
      const { word, tagged } = untagToken(token, open);
      if (!word) continue;
      words.push(word);
      tags.push([...tagged].sort());
    }
    if (words.length) lines.push(words.join(' '));
  }
  return { lines, tags };
}

/** A token without its markers, and the tags open over any of its characters; `open` carries on to the next token. */
function untagToken(token: string, open: Set<string>): { word: string; tagged: Set<string> } {
  const tagged = new Set<string>();
  let word = '';
  let at = 0;
  const take = (end: number) => {
    const piece = token.slice(at, end);
    if (piece) for (const tag of open) tagged.add(tag);
    word += piece;
  };
  for (const marker of token.matchAll(MARKER)) {
    take(marker.index);
    if (marker[1]) open.delete(marker[2]!);
    else open.add(marker[2]!);
    at = marker.index + marker[0].length;
  }
  take(token.length);
  return { word, tagged };
}

/** A line of words with their tags, written back with markers around each run of words that share a tag. */
export function retag(words: readonly { word: string; tags?: readonly string[] }[]): string {
  return words
    .map(({ word, tags = [] }, index) => {
      const before = words[index - 1]?.tags ?? [];
      const after = words[index + 1]?.tags ?? [];
      const opening = tags.filter((tag) => !before.includes(tag)).map((tag) => `[${tag}]`);
      const closing = [...tags].reverse().filter((tag) => !after.includes(tag)).map((tag) => `[/${tag}]`);
      return `${opening.join('')}${word}${closing.join('')}`;
    })
    .join(' ');
}
