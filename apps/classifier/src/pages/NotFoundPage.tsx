import { Link } from '../lib/router';
import { useDocumentTitle } from '../lib/useDocumentTitle';

export function NotFoundPage({ path }: { path: string }) {
  useDocumentTitle('Page not found');
  return (
    <div className="page">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>.
      </p>
      <p>
        <Link to="/">See the projects</Link>
      </p>
    </div>
  );
}
