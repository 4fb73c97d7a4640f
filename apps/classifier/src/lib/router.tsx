import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/** A tiny history-API router: one path, `navigate()` to change it, `<Link>` for in-app links. */

const NAVIGATE = 'chorus:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE));
}

export type Route =
  | { name: 'home' }
  | { name: 'classify'; projectSlug: string; workflowId: string }
  | { name: 'not-found'; path: string };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { name: 'home' };
  const classify = /^\/projects\/([^/]+)\/workflows\/([^/]+)\/?$/.exec(path);
  if (classify) {
    return { name: 'classify', projectSlug: decodeURIComponent(classify[1]!), workflowId: decodeURIComponent(classify[2]!) };
  }
  return { name: 'not-found', path };
}

export function classifyPath(projectSlug: string, workflowId: string): string {
  return `/projects/${encodeURIComponent(projectSlug)}/workflows/${encodeURIComponent(workflowId)}`;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An ordinary link that changes the page without reloading; modified clicks (new tab, etc.) behave as usual. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}
