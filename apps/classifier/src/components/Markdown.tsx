import ReactMarkdown, { type Components } from 'react-markdown';

/** Links open beside the classifier, never in its place. */
const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer" />,
};

interface MarkdownNode {
  type: string;
  depth?: number;
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

/**
 * Markdown written by a project's researchers, rendered as React elements: raw HTML in it is dropped (never
 * parsed into the page) and unsafe link targets such as `javascript:` are removed. Its own chunk, loaded on use.
 */
export default function Markdown({ text, firstLevel }: { text: string; firstLevel: number }) {
  return (
    <div className="markdown">
      <ReactMarkdown skipHtml components={components} remarkPlugins={[[nestHeadings, { firstLevel }]]}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
