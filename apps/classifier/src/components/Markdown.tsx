import { hashtagParts } from '@chorus/client';
import { Component, memo, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import ReactMarkdown, { type Components, type Options } from 'react-markdown';
import { markdownChunks, type MarkdownChunk, plainFrom, restPlainAfter } from '../lib/markdownChunks';
import { Link } from '../lib/router';

/** The class of a #hashtag's link (`linkHashtags`). */
const HASHTAG_CLASS = 'hashtag';

/** Links open beside the classifier, never in its place; a #hashtag's leads to a page of the classifier, in it. */
const components: Components = {
  a: ({ node: _node, ...props }) =>
    props.className === HASHTAG_CLASS ? <Link to={props.href ?? ''} className={HASHTAG_CLASS}>{props.children}</Link> : <a {...props} target="_blank" rel="noreferrer" />,
};

interface MarkdownNode {
  type: string;
  depth?: number;
  value?: string;
  url?: string;
  data?: { hProperties?: Record<string, string> };
  children?: MarkdownNode[];
}

function headingsOf(node: MarkdownNode): MarkdownNode[] {
  return [...(node.type === 'heading' ? [node] : []), ...(node.children ?? []).flatMap(headingsOf)];
}

/**
 * A remark plugin: shifts every heading so that the text's highest one (`top`, of the whole text a chunk is of) is
 * `firstLevel` (at most h6).
 */
function nestHeadings({ firstLevel, top: textTop }: { firstLevel: number; top: number | null }) {
  return (tree: MarkdownNode) => {
    const headings = headingsOf(tree);
    const top = Math.min(textTop ?? Infinity, ...headings.map((heading) => heading.depth!));
    for (const heading of headings) heading.depth = Math.min(6, firstLevel + heading.depth! - top);
  };
}

/** A remark plugin: each #hashtag of the text (not in a link or code) becomes a link to `pathOf` its tag. */
function linkHashtags({ pathOf }: { pathOf: (tag: string) => string }) {
  const linked = (node: MarkdownNode): MarkdownNode[] => {
    if (node.type !== 'text') return [withLinkedChildren(node)];
    return hashtagParts(node.value ?? '').map(({ text, tag }) =>
      tag ? { type: 'link', url: pathOf(tag), data: { hProperties: { className: HASHTAG_CLASS } }, children: [{ type: 'text', value: text }] } : { type: 'text', value: text },
    );
  };
  const withLinkedChildren = (node: MarkdownNode): MarkdownNode => {
    if (!node.children || node.type === 'link' || node.type === 'linkReference') return node;
    node.children = node.children.flatMap(linked);
    return node;
  };
  return (tree: MarkdownNode) => {
    withLinkedChildren(tree);
  };
}

/** Text shown as it was written, not as Markdown: its line breaks and spaces kept. */
function PlainText({ text }: { text: string }) {
  return <div className="markdown-plain">{text}</div>;
}

/** Whether rendering failed as the call stack overflowed (Firefox names it InternalError): the text is too deep to render. */
const overflowed = (error: unknown) => error instanceof RangeError || (error instanceof Error && error.name === 'InternalError');

/**
 * Shows `text` plain if rendering it as Markdown overflows the call stack (a quote or list nested thousands deep that
 * `markdownChunks` let through): reloading would not help, so the text is shown as it was written rather than an
 * error. Another error goes on to the boundary around it.
 */
class PlainIfFailed extends Component<{ text: string; children: ReactNode }, { error: unknown; text: string }> {
  override state: { error: unknown; text: string } = { error: null, text: this.props.text };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  /** Another text (one being edited) is tried as Markdown again. */
  static getDerivedStateFromProps(props: { text: string }, state: { text: string }) {
    return props.text === state.text ? null : { error: null, text: props.text };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    if (!overflowed(this.state.error)) throw this.state.error;
    return <PlainText text={this.props.text} />;
  }
}

/** The remark plugins a text's chunks are rendered with. */
type Plugins = NonNullable<Options['remarkPlugins']>;

/** One chunk of a text (`markdownChunks`) as it is shown. */
function ChunkShown({ chunk, remarkPlugins }: { chunk: MarkdownChunk; remarkPlugins: Plugins }) {
  if (chunk.kind === 'plain') return <PlainText text={chunk.text} />;
  if (chunk.kind === 'code')
    return (
      <pre>
        <code>{chunk.text}</code>
      </pre>
    );
  return (
    <PlainIfFailed text={chunk.text}>
      <ReactMarkdown skipHtml components={components} remarkPlugins={remarkPlugins}>
        {chunk.source}
      </ReactMarkdown>
    </PlainIfFailed>
  );
}

/** What a chunk is rendered from. */
const sourceOf = (chunk: MarkdownChunk) => (chunk.kind === 'markdown' ? chunk.source : chunk.text);

/** A chunk rendered again only when what it shows or the plugins change: not as the next one is added. */
const Chunk = memo(ChunkShown, (before, after) => before.remarkPlugins === after.remarkPlugins && before.chunk.kind === after.chunk.kind && sourceOf(before.chunk) === sourceOf(after.chunk));

/** How far a text is shown: its first `shown` chunks; from `plainFrom` on (once chunks took too long, `restPlainAfter`), the rest plain. */
interface Progress {
  text: string;
  shown: number;
  plainFrom: number | null;
}

/**
 * Markdown written by a project's researchers, rendered as React elements: raw HTML in it is dropped (never
 * parsed into the page) and unsafe link targets such as `javascript:` are removed. With `hashtagPath` (a comment's),
 * its #hashtags link to that page of the tag. Rendered in chunks of a few thousand characters (`markdownChunks`), as
 * the parser's time grows with the square of some inputs' length: the first at once, each next one in a task of its
 * own, so that the page answers and paints between chunks (`aria-busy` until the last); a chunk of a shape the parser is
 * slow on is plain (`markdownChunks`), and after chunks in a row slower than a second (`restPlainAfter`), the rest.
 * Its own chunk, loaded on use.
 */
export default function Markdown({ text, firstLevel, hashtagPath }: { text: string; firstLevel: number; hashtagPath?: (tag: string) => string }) {
  const { chunks, topHeading } = useMemo(() => markdownChunks(text), [text]);
  const remarkPlugins = useMemo<Plugins>(() => {
    const nesting: Plugins[number] = [nestHeadings, { firstLevel, top: topHeading }];
    return hashtagPath ? [nesting, [linkHashtags, { pathOf: hashtagPath }]] : [nesting];
  }, [firstLevel, topHeading, hashtagPath]);
  const [progress, setProgress] = useState<Progress>({ text, shown: 1, plainFrom: null });
  // How long each chunk after the first took, of this text; read by a chunk's task before React commits its decision.
  const times = useRef<{ text: string; each: number[] }>({ text, each: [] });
  // Another text starts again from its first chunk.
  if (progress.text !== text) setProgress({ text, shown: 1, plainFrom: null });
  const { shown, plainFrom: restPlainFrom } = progress;
  useEffect(() => {
    if (restPlainFrom !== null || shown >= chunks.length) return;
    const next = setTimeout(() => {
      if (times.current.text !== text) times.current = { text, each: [] };
      const { each } = times.current;
      // Decided after the chunk before, and not yet committed: this chunk is not rendered as Markdown.
      if (restPlainAfter(each)) return;
      const start = performance.now();
      // Rendered and committed here, so that its time is the next chunk's.
      flushSync(() => setProgress((current) => ({ ...current, shown: current.shown + 1 })));
      each.push(performance.now() - start);
      if (restPlainAfter(each)) setProgress((current) => ({ ...current, plainFrom: current.shown }));
    });
    return () => clearTimeout(next);
  }, [text, shown, restPlainFrom, chunks.length]);
  const showing = restPlainFrom === null ? chunks.slice(0, shown) : plainFrom(chunks, restPlainFrom);
  return (
    <div className="markdown" aria-busy={restPlainFrom === null && shown < chunks.length}>
      {showing.map((chunk, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a chunk is a position in the text (chunks may repeat), and one whose text changes is tried again (PlainIfFailed)
        <Chunk key={index} chunk={chunk} remarkPlugins={remarkPlugins} />
      ))}
    </div>
  );
}
