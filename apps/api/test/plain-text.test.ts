import { LISTED_MARKDOWN_LENGTH, listedDescriptionOf, markdownOpening } from '../src/common/plain-text';

it('reads no more of a description than its first 1,000 characters, cut at the end of a line, whatever follows', () => {
  const setext = 'a\n=\n'.repeat(5000); // 20 KB that the parser takes 27 s over whole
  const opening = markdownOpening(setext);
  expect(opening.length).toBeLessThanOrEqual(LISTED_MARKDOWN_LENGTH);
  expect(setext.startsWith(`${opening}\n`)).toBe(true);
  expect(markdownOpening('word '.repeat(4000))).toHaveLength(LISTED_MARKDOWN_LENGTH);
  expect(markdownOpening(`${'x'.repeat(999)}🦉 more`)).toBe('x'.repeat(999)); // not half of the owl
  expect(markdownOpening('A short one.\n\nTwo lines.')).toBe('A short one.\n\nTwo lines.');
});

it('lists a description as the plain words of its opening, with "…" when it had more, and nests of any depth', () => {
  expect(listedDescriptionOf('a\n=\n'.repeat(5000))).toBe(`${Array(150).fill('a').join('\n')}…`);
  expect(listedDescriptionOf(`[Our archive](${'https://example.org/'.padEnd(900, 'x')})\n\n${'More. '.repeat(200)}`)).toBe('Our archive…');
  // A heading's line end early on is not where the opening is cut: the paragraph after it is listed too.
  expect(listedDescriptionOf(`# Penguin Watch\n\n${'Penguins nest here. '.repeat(100)}`)).toBe(`Penguin Watch\n${'Penguins nest here. '.repeat(14).trim()}…`);
  expect(listedDescriptionOf(`${'- '.repeat(3000)}x`)).toBe('…');
  expect(listedDescriptionOf(`${'- '.repeat(400)}x`)).toBe('x');
  expect(listedDescriptionOf('>'.repeat(20_000))).toBe('…');
});
