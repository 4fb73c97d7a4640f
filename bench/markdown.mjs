// Markdown rendering: each chunk of a text (markdownChunks) rendered with react-markdown to a string in Node, one at a
// time, as the classifier renders them, over 200,000 characters of a realistic field guide and of hostile Markdown with
// blank lines. Prints, per text, its chunks (Markdown, or plain as markdownChunks decides from the text), and, rendered
// as the classifier does (a task per chunk, the rest plain once restPlainAfter says so), the longest task, the time of
// all of them and how many chunks were rendered as Markdown.
// Usage: node bench/markdown.mjs [--runs=3]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from '../infra/services.mjs';

const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 3);
const classifier = join(root, 'apps/classifier');
const require = createRequire(join(classifier, 'package.json'));
const { transformSync } = createRequire(join(root, 'package.json'))('@swc/core');
const { createElement } = require('react');
const { renderToString } = require('react-dom/server');
const { default: ReactMarkdown } = await import(require.resolve('react-markdown'));

/** The classifier's own module, compiled as it is, so that the chunks are the ones it renders. */
async function load(path) {
  const { code } = transformSync(readFileSync(join(classifier, path), 'utf8'), { filename: path, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}
const { markdownChunks, restPlainAfter } = await load('src/lib/markdownChunks.ts');

const SIZE = 200_000;
const fill = (unit) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
const guideSection = (n) => `## Species ${n}\n\nThe **common** name and the *Latin* one, with [a photo][photo-${n % 7}] and a [link](https://example.org/${n}).\n\n![Leaf ${n}](https://example.org/leaf-${n}.jpg)\n\n- Leaves: alternate, toothed\n\n  Look at the underside as well.\n\n  - veins: pinnate\n  - hairs: few\n- Bark: smooth when young\n\n> A note from the curator: ask in Talk when unsure.\n\n\`\`\`text\nlabel: ${n}\n\nrecorded: yes\n\`\`\`\n\n    indented code ${n}\n\n1. First step\n2. Second step\n\n[photo-${n % 7}]: https://example.org/photo-${n % 7}.jpg\n\n`;
const texts = {
  'field guide': fill(Array.from({ length: 400 }, (_, n) => guideSection(n)).join('')),
  'setext, a blank line every 1,000 characters': fill(`${'a\n=\n'.repeat(250)}\n`),
  'setext, a blank line every line': fill('a\n=\n\n'),
  '8 containers a line (below the limit), a blank line every line': fill(`${'> - '.repeat(4)}x\n\n`),
  '20 containers a line, a blank line every line': fill(`${'> - '.repeat(10)}x\n\n`),
  '32 containers a line, a blank line every line': fill(`${'> - '.repeat(16)}x\n\n`),
  '*a, a blank line every 1,000 characters': fill(`${'*a '.repeat(333)}\n\n`),
};

for (const [name, text] of Object.entries(texts)) {
  const { chunks } = markdownChunks(text);
  const totals = [];
  const longestTasks = [];
  const rendered = [];
  for (let run = 0; run < RUNS; run++) {
    let total = 0;
    let longest = 0;
    let plainFrom = null;
    const times = [];
    chunks.forEach((chunk, index) => {
      if (plainFrom !== null) return;
      const start = performance.now();
      if (chunk.kind === 'markdown') renderToString(createElement(ReactMarkdown, { skipHtml: true }, chunk.source));
      const spent = performance.now() - start;
      total += spent;
      longest = Math.max(longest, spent);
      // The first chunk is rendered with the page, untimed (Markdown.tsx).
      if (index === 0) return;
      times.push(spent);
      if (restPlainAfter(times)) plainFrom = index + 1;
    });
    totals.push(total);
    longestTasks.push(longest);
    rendered.push(chunks.slice(0, plainFrom ?? chunks.length).filter((chunk) => chunk.kind === 'markdown').length);
  }
  const range = (values) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))} ms`;
  const kinds = new Map();
  for (const { kind } of chunks) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  const counts = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
  console.log(`${name}: ${text.length} characters, chunks ${counts}; longest task ${range(longestTasks)}, all tasks ${range(totals)}, ${[...new Set(rendered)].join('/')} chunks as Markdown`);
}
