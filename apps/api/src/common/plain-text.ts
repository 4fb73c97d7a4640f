import { LISTED_DESCRIPTION_LENGTH } from '@chorus/client';
import { fromMarkdown } from 'mdast-util-from-markdown';

/** The part of a Markdown syntax tree's node its words are in. */
interface MarkdownNode {
  type: string;
  value?: string;
  alt?: string | null;
  children?: MarkdownNode[];
}

/** Blocks whose children are blocks too: each child then goes on a line of its own. */
const HOLDING_BLOCKS = new Set(['root', 'blockquote', 'list', 'listItem']);

/**
 * How much of a description the list's plain text is read from: its 300 characters are in there, and no more is
 * parsed, as the parser takes time growing with the square of some inputs' length (setext headings: 90 ms for 1,000
 * characters of `a\n=\n`, 27 s for 20,000).
 */
export const LISTED_MARKDOWN_LENGTH = 1_000;

/** A leaf's words (undefined for a node holding others): raw HTML left out, an image as its alt text. */
function leafWordsOf(node: MarkdownNode): string | undefined {
  if (node.type === 'html') return '';
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  if (node.type === 'break') return '\n';
  return node.value;
}

/** Walked with a stack of its own, not by recursion: lists or quotes thousands deep would overflow the call stack. */
function wordsOf(root: MarkdownNode): string {
  const open: { node: MarkdownNode; words: string[] }[] = [{ node: root, words: [] }];
  for (;;) {
    const { node, words } = open.at(-1)!;
    const children = node.children ?? [];
    const next = children[words.length];
    if (next) {
      const leaf = leafWordsOf(next);
      if (leaf === undefined) open.push({ node: next, words: [] });
      else words.push(leaf);
      continue;
    }
    open.pop();
    const joined = HOLDING_BLOCKS.has(node.type) ? words.filter((each) => each.trim() !== '').join('\n') : words.join('');
    if (open.length === 0) return joined;
    open.at(-1)!.words.push(joined);
  }
}

/**
 * Markdown as the words a reader sees, for where it is shown short (the project list's cards, a comment in a mail): parsed
 * as the classifier renders it (CommonMark, by the same parser, micromark), its syntax gone (`**`, `#`, a link's
 * address), raw HTML left out as the classifier leaves it out, an image as its alt text, each block on a line.
 */
function plainTextOf(markdown: string): string {
  return wordsOf(fromMarkdown(markdown) as MarkdownNode).trim();
}

/**
 * At most `LISTED_MARKDOWN_LENGTH` characters of Markdown, cut at the end of a line in its second half where there is
 * one (a heading's line end before a long paragraph would leave the heading alone), never in half of a character.
 */
export function markdownOpening(markdown: string): string {
  if (markdown.length <= LISTED_MARKDOWN_LENGTH) return markdown;
  const lineEnd = markdown.lastIndexOf('\n', LISTED_MARKDOWN_LENGTH);
  if (lineEnd > LISTED_MARKDOWN_LENGTH / 2) return markdown.slice(0, lineEnd);
  const inHalf = /[\ud800-\udbff]/.test(markdown[LISTED_MARKDOWN_LENGTH - 1]!);
  return markdown.slice(0, inHalf ? LISTED_MARKDOWN_LENGTH - 1 : LISTED_MARKDOWN_LENGTH);
}

/**
 * The first `length` characters of Markdown's plain text (`plainTextOf`, of its opening), cut after a word with "…"
 * when there is more; counted in code points, so that an emoji or a character beyond the basic plane is never cut in
 * half.
 */
export function plainOpeningOf(markdown: string, length: number): string {
  const read = markdownOpening(markdown);
  const words = plainTextOf(read);
  const characters = Array.from(words);
  if (characters.length <= length) return read.length < markdown.length ? `${words}…` : words;
  const cut = characters.slice(0, length - 1).join('');
  const word = cut.lastIndexOf(' ');
  return `${(word > cut.length / 2 ? cut.slice(0, word) : cut).trimEnd()}…`;
}

/**
 * What the project list shows of a description: its first `LISTED_DESCRIPTION_LENGTH` characters of plain text. Kept
 * with the project when its description is written (a page of 500 projects would otherwise parse 500 descriptions on
 * every request).
 */
export const listedDescriptionOf = (markdown: string): string => plainOpeningOf(markdown, LISTED_DESCRIPTION_LENGTH);
