/**
 * How much of a researcher's Markdown the classifier renders as Markdown; what follows is shown as the plain text it
 * is. The parser's time grows with the square of some inputs' length (setext headings, `a\n=\n`; lists nested on one
 * line, `- - - x`): 20,000 characters of them take seconds to a minute, 5,000 at most a few tenths of a second to
 * about two seconds, while 20,000 characters of ordinary Markdown take about half a second.
 */
export const RENDERED_MARKDOWN_LENGTH = 5_000;

/**
 * At most `length` characters of Markdown, cut at the end of a line in its second half where there is one (a
 * heading's line end before a long paragraph would leave the heading alone), never in half of a character.
 */
export function markdownOpening(markdown: string, length: number): string {
  if (markdown.length <= length) return markdown;
  const lineEnd = markdown.lastIndexOf('\n', length);
  if (lineEnd > length / 2) return markdown.slice(0, lineEnd);
  const inHalf = /[\ud800-\udbff]/.test(markdown[length - 1]!);
  return markdown.slice(0, inHalf ? length - 1 : length);
}
