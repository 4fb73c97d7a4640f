/**
 * Text tags in transcriptions: a volunteer wraps words in `[unclear]…[/unclear]` (or another tag of the task's
 * `textTags`), possibly across words and lines. For the consensus, the words are aligned without their tags, and each
 * tag is voted on per word (see `transcriptionConsensus`). Other bracketed text (`[sic]`, `[1]`) is part of the words.
 */

/**
 * A transcription without its tags: its lines of plain text, and for each of its words, in order, the tags around it
 * and the word as it was in the text (`typed`: the same as in `lines`, unless `untag` was given a `compared` form).
 */
export interface UntaggedText {
  lines: string[];
  tags: string[][];
  typed: string[];
}

/**
 * Splits the task's tags from a transcription; empty lines (a line of tags alone too) are left out. With `compared`,
 * `lines` have each word in the form it gives (of no whitespace), a word it makes empty left out, and `typed` the word
 * as it was.
 */
export function untag(text: string, tags: readonly string[], compared: (word: string) => string = (word) => word): UntaggedText {
  // Tag names are lower-case letters and "-" (the task's schema), none of them special in a pattern.
  const marker = tags.length ? new RegExp(`\\[(/?)(${tags.join('|')})\\]`, 'g') : null;
  const open = new Map<string, number>(); // each open tag, with the index of the first word after its opening
  const lines: string[] = [];
  const wordTags: Set<string>[] = [];
  const typed: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const words: string[] = [];
    for (const token of line.split(/\s+/u)) {
      const { word, tagged } = untagToken(token, marker, open, wordTags.length);
      const form = word && compared(word);
      if (!form) continue;
      words.push(form);
      wordTags.push(tagged);
      typed.push(word);
    }
    if (words.length) lines.push(words.join(' '));
  }
  // A tag never closed is a slip, not a statement about the rest of the text.
  for (const [tag, from] of open) for (const tagged of wordTags.slice(from)) tagged.delete(tag);
  return { lines, tags: wordTags.map((tagged) => [...tagged].sort()), typed };
}

/** A token without its markers, and the tags open over any of its characters; `open` carries on to the next token. */
function untagToken(token: string, marker: RegExp | null, open: Map<string, number>, index: number): { word: string; tagged: Set<string> } {
  const tagged = new Set<string>();
  let word = '';
  let at = 0;
  const take = (end: number) => {
    const piece = token.slice(at, end);
    if (piece) for (const tag of open.keys()) tagged.add(tag);
    word += piece;
  };
  for (const found of marker ? token.matchAll(marker) : []) {
    take(found.index);
    at = found.index + found[0].length;
    if (found[1]) open.delete(found[2]!);
    // The first word it covers: this token's, unless the token's text all came before it.
    else if (!open.has(found[2]!)) open.set(found[2]!, word && !token.slice(at) ? index + 1 : index);
  }
  take(token.length);
  return { word, tagged };
}

/**
 * A line of words with their tags, written back with markers around each run of words that share a tag: a run that
 * ends later opens first and closes last, so runs nest.
 */
export function retag(words: readonly { word: string; tags?: readonly string[] }[]): string {
  const has = (index: number, tag: string) => words[index]?.tags?.includes(tag) ?? false;
  const runEnd = (index: number, tag: string) => {
    let end = index;
    while (has(end + 1, tag)) end += 1;
    return end;
  };
  const runStart = (index: number, tag: string) => {
    let start = index;
    while (has(start - 1, tag)) start -= 1;
    return start;
  };
  return words
    .map(({ word, tags = [] }, index) => {
      const opening = tags.filter((tag) => !has(index - 1, tag)).sort((a, b) => runEnd(index, b) - runEnd(index, a) || a.localeCompare(b));
      const closing = tags.filter((tag) => !has(index + 1, tag)).sort((a, b) => runStart(index, b) - runStart(index, a) || b.localeCompare(a));
      return `${opening.map((tag) => `[${tag}]`).join('')}${word}${closing.map((tag) => `[/${tag}]`).join('')}`;
    })
    .join(' ');
}
