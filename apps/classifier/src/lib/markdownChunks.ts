/**
 * The most characters of Markdown rendered as one piece. The parser's time grows with the square of some inputs'
 * length (setext headings, `a\n=\n`; lists nested on one line, `- - - x`): 20,000 characters of them take seconds to a
 * minute, 5,000 at most a few tenths of a second to about two seconds, while a text cut in pieces of this size takes
 * time in proportion to its length.
 */
export const MARKDOWN_CHUNK_LENGTH = 5_000;

/**
 * A chunk that takes longer than this to render (in milliseconds), `SLOW_CHUNKS_IN_A_ROW` times in a row, makes the rest
 * of its text plain (`restPlainAfter`): a safety net for a slow shape `markdownChunks` does not know. A chunk of a field
 * guide takes a few tens of milliseconds on a laptop, some hundreds on a slow phone.
 */
export const SLOW_CHUNK_MS = 1_000;

/** How many chunks in a row slower than `SLOW_CHUNK_MS` make the rest of a text plain: one may be a pause of the device. */
export const SLOW_CHUNKS_IN_A_ROW = 2;

/**
 * A line opening more containers (`>`, list markers) than this makes its chunk plain: the parser's time grows with the
 * square of a chunk's lines nested this deep (a second for 5,000 characters of `> - ` ten times over), and nested
 * thousands deep they overflow the renderer's stack. Guides nest a few deep.
 */
export const MOST_NESTED_CONTAINERS = 9;

/** A chunk underlining more headings than this (`a\n=\n`, setext) is plain: the parser's time grows with the square of their number. */
export const MOST_SETEXT_HEADINGS = 50;

/**
 * A piece of a text, rendered on its own: `markdown` (`source` is what is rendered: its text with the definitions of
 * the reference links it uses, from anywhere in the text, before it), `plain` (shown as written) or `code` (a fenced
 * code block too long to render, shown as code: its lines between the fences).
 */
export type MarkdownChunk = { kind: 'markdown'; text: string; source: string } | { kind: 'plain'; text: string } | { kind: 'code'; text: string };

/** The Markdown chunks of a text and the highest level of its headings (null: none seen). */
export interface ChunkedMarkdown {
  chunks: MarkdownChunk[];
  topHeading: number | null;
}

/** An open fenced code block: the line that closes it. */
interface Fence {
  closing: RegExp;
}

/** A block: consecutive lines between safe boundaries; `fenced` when it is one fenced code block, and its content. */
interface Block {
  text: string;
  fenced: string | null;
}

const BLANK = /^[ \t]*\r?\n?$/;
const FENCE_OPENING = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const DEFINITION = /^\[((?:[^\\[\]]|\\.){1,999})\]:[ \t]*\S/;
const REFERENCE = /\[((?:[^\\[\]]|\\.){1,999})\]/g;
const ATX_HEADING = /(#{1,6})(?:[ \t]|$)/y;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const LIST_MARKER = /(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)/y;

/** A reference's label as Markdown matches it to a definition's: case and runs of white space aside. */
const labelKey = (label: string) => label.replace(/[\t\n\r ]+/g, ' ').trim().toLowerCase().toUpperCase();

/** The fence `line` opens, if it opens one (a backtick fence's info has no backtick). */
function fenceOpenedBy(line: string): Fence | null {
  const opening = FENCE_OPENING.exec(line);
  if (!opening) return null;
  const [, marks, info] = opening;
  if (marks![0] === '`' && info!.includes('`')) return null;
  return { closing: new RegExp(`^ {0,3}\\${marks![0]}{${marks!.length},}[ \\t]*$`) };
}

/**
 * Where a line's content starts after the containers it opens (`>`, list markers and the white space between them),
 * and how many it opens: in one pass, however deep.
 */
function containersOf(line: string): { count: number; content: number } {
  let count = 0;
  let at = 0;
  for (;;) {
    while (line[at] === ' ' || line[at] === '\t') at += 1;
    if (line[at] === '>') {
      count += 1;
      at += 1;
      continue;
    }
    LIST_MARKER.lastIndex = at;
    if (!LIST_MARKER.test(line)) return { count, content: at };
    count += 1;
    at = LIST_MARKER.lastIndex;
  }
}

/** The level of the heading `line` is or underlines (`previousBlank`: whether the line before it is blank), if any. */
function headingLevel(line: string, previousBlank: boolean): number | null {
  const underline = SETEXT_UNDERLINE.exec(line);
  if (underline && !previousBlank) return underline[1]![0] === '=' ? 1 : 2;
  const { content } = containersOf(line);
  ATX_HEADING.lastIndex = content;
  const hashes = ATX_HEADING.exec(line)?.[1];
  return hashes === undefined ? null : hashes.length;
}

/**
 * A text's blocks, split before each line at column 0 after a blank line, outside a fenced code block: there every
 * container (quote, list item, indented code) has ended, so each block renders as it would in the whole text. Also the
 * reference definitions at column 0, the first for each label, and the highest heading level seen.
 */
function blocksOf(text: string): { blocks: Block[]; definitions: Map<string, string>; topHeading: number | null } {
  const lines = text.split(/(?<=\n)/);
  const blocks: Block[] = [];
  const definitions = new Map<string, string>();
  let topHeading: number | null = null;
  let fence: Fence | null = null;
  let start = 0;
  let opensWithFence = false;
  let fenceClosedAt = -1;
  const end = (at: number) => {
    const block = lines.slice(start, at);
    const onlyFence = opensWithFence && (fenceClosedAt === -1 || block.slice(fenceClosedAt - start + 1).every((line) => BLANK.test(line)));
    blocks.push({ text: block.join(''), fenced: onlyFence ? block.slice(1, fenceClosedAt === -1 ? undefined : fenceClosedAt - start).join('') : null });
    start = at;
  };
  lines.forEach((line, index) => {
    const previousBlank = index === 0 || BLANK.test(lines[index - 1]!);
    if (fence) {
      if (fence.closing.test(line.replace(/\r?\n$/, ''))) {
        fence = null;
        if (opensWithFence && fenceClosedAt === -1) fenceClosedAt = index;
      }
      return;
    }
    if (index > 0 && previousBlank && /^[^ \t\r\n]/.test(line)) end(index);
    fence = fenceOpenedBy(line.replace(/\r?\n$/, ''));
    if (index === start) {
      opensWithFence = fence !== null;
      fenceClosedAt = -1;
    }
    if (fence) return;
    const definition = DEFINITION.exec(line);
    if (definition && line.length <= MARKDOWN_CHUNK_LENGTH && !definitions.has(labelKey(definition[1]!))) definitions.set(labelKey(definition[1]!), line.replace(/\r?\n$/, ''));
    const level = headingLevel(line.replace(/\r?\n$/, ''), previousBlank);
    if (level !== null) topHeading = Math.min(topHeading ?? level, level);
  });
  if (start < lines.length) end(lines.length);
  return { blocks, definitions, topHeading };
}

/** The definitions of the reference links `text` may use, at most `MARKDOWN_CHUNK_LENGTH` characters of them. */
function definitionsFor(text: string, definitions: ReadonlyMap<string, string>): string[] {
  const used: string[] = [];
  let length = 0;
  for (const [, label] of text.matchAll(REFERENCE)) {
    const definition = definitions.get(labelKey(label!));
    if (!definition || used.includes(definition) || length + definition.length > MARKDOWN_CHUNK_LENGTH) continue;
    used.push(definition);
    length += definition.length + 1;
  }
  return used;
}

/** How many lines of `lines` underline the line before them (setext headings). */
const setextHeadings = (lines: readonly string[]) => lines.filter((line, index) => index > 0 && SETEXT_UNDERLINE.test(line) && !BLANK.test(lines[index - 1]!)).length;

/**
 * Whether `text` has a shape the parser takes a time growing with its square over (`MOST_NESTED_CONTAINERS`,
 * `MOST_SETEXT_HEADINGS`), to be shown plain: decided from the text alone, the same on every device.
 */
function slowToRender(text: string): boolean {
  const lines = text.split(/\r?\n/);
  return lines.some((line) => containersOf(line).count > MOST_NESTED_CONTAINERS) || setextHeadings(lines) > MOST_SETEXT_HEADINGS;
}

/** A chunk of consecutive blocks, rendered as Markdown unless it is slow to render (`slowToRender`). */
function chunkOf(text: string, definitions: ReadonlyMap<string, string>): MarkdownChunk {
  if (slowToRender(text)) return { kind: 'plain', text };
  const used = definitionsFor(text, definitions);
  // Before the chunk, so that the first definition of a label wins, as in the whole text.
  return { kind: 'markdown', text, source: used.length ? `${used.join('\n')}\n\n${text}` : text };
}

const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|\r?\n|$)/;

/**
 * Blocks kept together where they fit in a chunk: a list item's block with the list's block before it, so that a list
 * is cut in two (two lists, the second tight or loose on its own) only when it is longer than a chunk.
 */
function unitsOf(blocks: readonly Block[]): Block[][] {
  const units: Block[][] = [];
  for (const block of blocks) {
    const last = units.at(-1);
    if (last && LIST_ITEM.test(block.text) && LIST_ITEM.test(last[0]!.text)) last.push(block);
    else units.push([block]);
  }
  return units;
}

/**
 * A text cut into chunks rendered one by one, so that the renderer's time grows with the text's length only: its
 * blocks (`blocksOf`) grouped up to `MARKDOWN_CHUNK_LENGTH` characters, a list's kept together where it fits. A block
 * longer than that on its own is shown plain, or as code if it is a fenced code block; a chunk slow to render
 * (`slowToRender`), plain.
 */
export function markdownChunks(text: string): ChunkedMarkdown {
  const { blocks, definitions, topHeading } = blocksOf(text);
  const chunks: MarkdownChunk[] = [];
  let gathered = '';
  const flush = () => {
    if (gathered) chunks.push(chunkOf(gathered, definitions));
    gathered = '';
  };
  const gather = (part: string) => {
    if (gathered.length + part.length > MARKDOWN_CHUNK_LENGTH) flush();
    gathered += part;
  };
  for (const unit of unitsOf(blocks)) {
    const whole = unit.map((block) => block.text).join('');
    if (whole.length <= MARKDOWN_CHUNK_LENGTH) gather(whole);
    else
      for (const block of unit) {
        if (block.text.length <= MARKDOWN_CHUNK_LENGTH) gather(block.text);
        else {
          flush();
          chunks.push(block.fenced !== null ? { kind: 'code', text: block.fenced } : { kind: 'plain', text: block.text });
        }
      }
  }
  flush();
  return { chunks, topHeading };
}

/** `chunks` with every Markdown one from `index` on shown plain (a code one stays code): the rest of a text after chunks rendered too slowly (`restPlainAfter`). */
export function plainFrom(chunks: readonly MarkdownChunk[], index: number): MarkdownChunk[] {
  return chunks.map((chunk, at) => (at < index || chunk.kind !== 'markdown' ? chunk : { kind: 'plain', text: chunk.text }));
}

/**
 * Whether the rest of a text is shown plain, given how long each chunk rendered so far took, in order (milliseconds):
 * after `SLOW_CHUNKS_IN_A_ROW` chunks in a row each slower than `SLOW_CHUNK_MS`.
 */
export function restPlainAfter(times: readonly number[]): boolean {
  return times.length >= SLOW_CHUNKS_IN_A_ROW && times.slice(-SLOW_CHUNKS_IN_A_ROW).every((time) => time > SLOW_CHUNK_MS);
}
