import { hashtagParts, markdownOpening, RENDERED_MARKDOWN_LENGTH } from '@chorus/client';
import { Component, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
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

/** A remark plugin: shifts every heading so that the text's highest one is `firstLevel` (at most h6). */
function nestHeadings({ firstLevel }: { firstLevel: number }) {
  return (tree: MarkdownNode) => {
    const headings = headingsOf(tree);
    const top = Math.min(...headings.map((heading) => heading.depth!));
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

/**
 * Shows `text` plain if rendering it as Markdown fails (a quote or list nested thousands deep overflows the parser's
 * call stack): reloading would not help, so the text is shown as it was written rather than an error.
 */
class PlainIfFailed extends Component<{ text: string; children: ReactNode }, { failed: boolean; text: string }> {
  override state = { failed: false, text: this.props.text };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  /** Another text (one being edited) is tried as Markdown again. */
  static getDerivedStateFromProps(props: { text: string }, state: { text: string }) {
    return props.text === state.text ? null : { failed: false, text: props.text };
  }

  override render() {
    return this.state.failed ? <PlainText text={this.props.text} /> : this.props.children;
  }
}

/**
 * Markdown written by a project's researchers, rendered as React elements: raw HTML in it is dropped (never
 * parsed into the page) and unsafe link targets such as `javascript:` are removed. With `hashtagPath` (a comment's),
 * its #hashtags link to that page of the tag. Only its first `RENDERED_MARKDOWN_LENGTH` characters (cut at a line's
 * end) are rendered, the rest shown plain, as the parser's time grows with the square of some inputs' length. Its own
 * chunk, loaded on use.
 */
export default function Markdown({ text, firstLevel, hashtagPath }: { text: string; firstLevel: number; hashtagPath?: (tag: string) => string }) {
  const rendered = markdownOpening(text, RENDERED_MARKDOWN_LENGTH);
  const rest = text.slice(rendered.length).replace(/^\n/, '');
  return (
    <div className="markdown">
      <PlainIfFailed text={rendered}>
        <ReactMarkdown skipHtml components={components} remarkPlugins={hashtagPath ? [[nestHeadings, { firstLevel }], [linkHashtags, { pathOf: hashtagPath }]] : [[nestHeadings, { firstLevel }]]}>
          {rendered}
        </ReactMarkdown>
      </PlainIfFailed>
      {rest && <PlainText text={rest} />}
    </div>
  );
}
