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

function wordsOf(node: MarkdownNode): string {
  if (node.type === 'html') return '';
  if (node.type === 'image' || node.type === 'imageReference') return node.alt ?? '';
  if (node.type === 'break') return '\n';
  if (node.value !== undefined) return node.value;
  const children = (node.children ?? []).map(wordsOf);
  return HOLDING_BLOCKS.has(node.type) ? children.filter((words) => words.trim() !== '').join('\n') : children.join('');
}

/**
 * A researcher's Markdown as the words a reader sees, for where it is shown short (the project list's cards): parsed
 * as the classifier renders it (CommonMark, by the same parser, micromark), its syntax gone (`**`, `#`, a link's
 * address), raw HTML left out as the classifier leaves it out, an image as its alt text, each block on a line.
 */
export function plainTextOf(markdown: string): string {
  return wordsOf(fromMarkdown(markdown) as MarkdownNode).trim();
}
