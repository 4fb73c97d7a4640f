import { MARKDOWN_CHUNK_LENGTH, MOST_NESTED_CONTAINERS, MOST_SETEXT_HEADINGS, SLOW_CHUNK_MS, markdownChunks, plainFrom, restPlainAfter } from '../src/lib/markdownChunks';

/** A paragraph of about `length` characters. */
const paragraph = (length: number) => `${'word '.repeat(Math.ceil(length / 5)).trim()}\n`;

it('renders a long text whole as Markdown, in chunks cut between blocks at column 0, the text kept whole', () => {
  const text = Array.from({ length: 100 }, (_, n) => `## Part ${n}\n\n${paragraph(1500)}\n- item\n\n  its paragraph\n\n      its code\n\n- another\n`).join('\n');
  expect(text.length).toBeGreaterThan(150_000);
  const { chunks, topHeading } = markdownChunks(text);
  expect(chunks.every((chunk) => chunk.kind === 'markdown' && chunk.text.length <= MARKDOWN_CHUNK_LENGTH)).toBe(true);
  expect(chunks.length).toBeGreaterThan(30);
  expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
  // Each chunk starts at a line at column 0 after a blank one: never in a list item's paragraph or its code, nor in a list.
  expect(chunks.filter((chunk) => /^[ \t]/.test(chunk.text))).toEqual([]);
  expect(chunks.map((chunk) => chunk.text.split('- item').length)).toEqual(chunks.map((chunk) => chunk.text.split('- another').length));
  expect(topHeading).toBe(2);
});

it('keeps a list in one chunk where it fits, and never cuts in a fenced code block, whatever fence', () => {
  const list = Array.from({ length: 40 }, (_, n) => `${n + 1}. item\n\n   more of it\n`).join('\n');
  const fenced = (fence: string) => `${fence}js\n${'code\n\nnot a heading\n'.repeat(50)}${fence}\n`;
  const text = [paragraph(4000), list, fenced('```'), fenced('~~~~'), '````\n```\n\nstill code\n````\n', 'After.\n'].join('\n');
  const { chunks } = markdownChunks(text);
  const holding = (part: string) => chunks.filter((chunk) => chunk.text.includes(part.trim()));
  expect(holding(list)).toHaveLength(1);
  expect(holding(fenced('```'))).toHaveLength(1);
  expect(holding(fenced('~~~~'))).toHaveLength(1);
  expect(holding('````\n```\n\nstill code\n````')).toHaveLength(1);
  expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
});

it('shows a block longer than a chunk plain, a fenced code block so long as code, and the rest as Markdown', () => {
  const setext = 'a\n=\n'.repeat(2000);
  const code = `\`\`\`\n${'x = 1\n\n'.repeat(1000)}\`\`\`\n`;
  const { chunks } = markdownChunks(`# Title\n\n${setext}\n${code}\nThe end.\n`);
  expect(chunks.map((chunk) => chunk.kind)).toEqual(['markdown', 'plain', 'code', 'markdown']);
  expect(chunks[1]).toEqual({ kind: 'plain', text: `${setext}\n` });
  expect(chunks[2]).toEqual({ kind: 'code', text: 'x = 1\n\n'.repeat(1000) });
});

it(`shows a chunk plain when a line of it opens more than ${MOST_NESTED_CONTAINERS} quotes or list items`, () => {
  const deep = (containers: string) => markdownChunks(`Before.\n\n${containers} x\n`).chunks.map((chunk) => chunk.kind);
  expect(deep('>'.repeat(MOST_NESTED_CONTAINERS))).toEqual(['markdown']);
  expect(deep('>'.repeat(MOST_NESTED_CONTAINERS + 1))).toEqual(['plain']);
  expect(deep('> - 1. '.repeat(11))).toEqual(['plain']);
  expect(deep('- '.repeat(1000))).toEqual(['plain']);
  expect(deep('- '.repeat(3000))).toEqual(['markdown', 'plain']); // a line longer than a chunk, on its own
  expect(deep('> '.repeat(1500))).toEqual(['plain']);
});

it('gives each chunk the definitions of the reference links it uses, from anywhere in the text, the first of a label winning', () => {
  const text = `[Site]: https://example.org/first\n\n${paragraph(4960)}\nSee [the site][site] and [help].\n\n[help]: https://example.org/help "Help"\n[site]: https://example.org/second\n`;
  const { chunks } = markdownChunks(text);
  expect(chunks).toHaveLength(2);
  expect(chunks[1]).toMatchObject({ kind: 'markdown', source: `[Site]: https://example.org/first\n[help]: https://example.org/help "Help"\n\n${chunks[1]!.text}` });
});

it('shows the rest of a text plain from a chunk on, its code as code and the text kept whole', () => {
  const code = `\`\`\`\n${'x = 1\n\n'.repeat(1000)}\`\`\`\n`;
  const text = [paragraph(4000), paragraph(4000), code, paragraph(4000), '# Last\n'].join('\n');
  const { chunks } = markdownChunks(text);
  expect(chunks.map((chunk) => chunk.kind)).toEqual(['markdown', 'markdown', 'code', 'markdown']);
  const rest = plainFrom(chunks, 1);
  expect(rest.map((chunk) => chunk.kind)).toEqual(['markdown', 'plain', 'code', 'plain']);
  expect(rest[0]).toBe(chunks[0]);
  expect(rest[2]).toBe(chunks[2]);
  expect(rest.map((chunk) => chunk.text)).toEqual(chunks.map((chunk) => chunk.text));
  expect(plainFrom(chunks, chunks.length)).toEqual(chunks);
});

it('shows plain, whatever the device, a chunk of the shapes the parser is slow on: lines nested ten deep, setext headings by the hundred', () => {
  const kinds = (text: string) => markdownChunks(text).chunks.map((chunk) => chunk.kind);
  // As bench/markdown.mjs's hostile texts, each chunk of them taking about a second on a laptop.
  expect(kinds(`${'> - '.repeat(5)}x\n\n`.repeat(400))).toEqual(['plain', 'plain']);
  expect(kinds(`${'> - '.repeat(16)}x\n\n`.repeat(200))).toEqual(['plain', 'plain', 'plain']);
  expect(kinds('a\n=\n\n'.repeat(2000))).toEqual(['plain', 'plain']);
  expect(kinds(`${'a\n=\n'.repeat(250)}\n`.repeat(8))).toEqual(['plain', 'plain']);
  // Written on Windows, as a researcher's pasted guide may be: the same shapes, the same decision.
  expect(new Set(kinds('a\r\n=\r\n\r\n'.repeat(2000)))).toEqual(new Set(['plain']));
  expect(new Set(kinds(`${'> - '.repeat(16)}x\r\n\r\n`.repeat(200)))).toEqual(new Set(['plain']));
  // Then a guide goes on as Markdown: the decision is a chunk's.
  expect(kinds(`${'> - '.repeat(5)}x\n\n${paragraph(4990)}\n- guide\n`)).toEqual(['plain', 'markdown']);
  // What guides have: a few containers deep, some setext headings, horizontal rules after a blank line.
  expect(kinds(`${'> - '.repeat(4)}x\n\n`.repeat(100))).toEqual(['markdown']);
  expect(kinds(`${'Title\n=====\n\nSome words.\n\n---\n\n'.repeat(MOST_SETEXT_HEADINGS)}`)).toEqual(['markdown']);
  expect(kinds(`${'Title\n=====\n\nSome words.\n\n---\n\n'.repeat(MOST_SETEXT_HEADINGS + 1)}`)).toEqual(['plain']);
});

it(`shows the rest of a text plain only after ${SLOW_CHUNK_MS} ms was passed by two chunks in a row, a single slow one aside`, () => {
  const slow = SLOW_CHUNK_MS + 1;
  expect(restPlainAfter([])).toBe(false);
  expect(restPlainAfter([slow])).toBe(false);
  expect(restPlainAfter([slow, 20, slow, SLOW_CHUNK_MS])).toBe(false);
  expect(restPlainAfter([20, slow, slow])).toBe(true);
});
