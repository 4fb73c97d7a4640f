import ReactMarkdown, { type Components } from 'react-markdown';

/** Researchers' headings sit below the dialog's own (h2); links open beside the classifier, never in its place. */
const components: Components = {
  h1: 'h3',
  h2: 'h4',
  h3: 'h5',
  h4: 'h6',
  h5: 'h6',
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer" />,
};

/**
 * Markdown written by a project's researchers, rendered as React elements: raw HTML in it is dropped (never
 * parsed into the page) and unsafe link targets such as `javascript:` are removed. Its own chunk, loaded on use.
 */
export default function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
