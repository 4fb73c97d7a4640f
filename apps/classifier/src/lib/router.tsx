import { boardDiscussionPath, boardPath, commentAnchor, commentPath, labProjectPath, labWorkflowPath, projectPath, subjectPath } from '@chorus/client';
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useMemo, useState, useSyncExternalStore } from 'react';

/** A tiny history-API router: one path, `navigate()` to change it, `<Link>` for in-app links. */

/** The paths others link to as well (the API's mails), defined once in the client. */
export { boardDiscussionPath, boardPath, commentAnchor, commentPath, labProjectPath, labWorkflowPath, projectPath, subjectPath };

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

/** The address's query (`?tag=stamp`), kept in step as `usePath` keeps the path. */
export function useSearch(): URLSearchParams {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return useMemo(() => new URLSearchParams(search), [search]);
}

export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return;
  if (heldLinkToken()?.path !== new URL(to, window.location.origin).pathname) spendLinkToken();
  window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** Shows `to` in the address bar in place of the current address (no new history entry) and renders what it names. */
export function replacePath(to: string): void {
  window.history.replaceState(window.history.state, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
}

export type Route =
  | { name: 'home' }
  | { name: 'sign-in' }
  | { name: 'create-account' }
  | { name: 'account' }
  | { name: 'favourites' }
  | { name: 'classifications' }
  | { name: 'comments' }
  | { name: 'notifications' }
  | { name: 'favourite'; subjectId: string }
  | { name: 'verify-email' }
  | { name: 'forgot-password' }
  | { name: 'reset-password' }
  | { name: 'unsubscribe' }
  | { name: 'project'; projectSlug: string }
  | { name: 'classify'; projectSlug: string; workflowId: string }
  | { name: 'subject'; projectSlug: string; subjectId: string }
  | { name: 'discussions'; projectSlug: string }
  | { name: 'board'; projectSlug: string; boardId: string }
  | { name: 'board-discussion'; projectSlug: string; discussionId: string }
  | { name: 'news'; projectSlug: string }
  | { name: 'about'; projectSlug: string; kind: string | null }
  | { name: 'stats'; projectSlug: string }
  | { name: 'read-set'; projectSlug: string; setId: string }
  | { name: 'lab' }
  | { name: 'lab-project'; projectSlug: string }
  | { name: 'lab-workflow'; workflowId: string }
  | { name: 'lab-results'; workflowId: string }
  | { name: 'lab-subject-result'; workflowId: string; subjectId: string }
  | { name: 'lab-subject-set'; projectSlug: string; setId: string }
  | { name: 'collections' }
  | { name: 'collection'; collectionId: string }
  | { name: 'volunteer'; volunteerId: string }
  | { name: 'not-found'; path: string };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { name: 'home' };
  if (path === SIGN_IN || path === `${SIGN_IN}/`) return { name: 'sign-in' };
  if (path === CREATE_ACCOUNT || path === `${CREATE_ACCOUNT}/`) return { name: 'create-account' };
  if (path === ACCOUNT || path === `${ACCOUNT}/`) return { name: 'account' };
  if (path === LAB || path === `${LAB}/`) return { name: 'lab' };
  if (path === FAVOURITES || path === `${FAVOURITES}/`) return { name: 'favourites' };
  if (path === COLLECTIONS || path === `${COLLECTIONS}/`) return { name: 'collections' };
  if (path === CLASSIFICATIONS || path === `${CLASSIFICATIONS}/`) return { name: 'classifications' };
  if (path === COMMENTS || path === `${COMMENTS}/`) return { name: 'comments' };
  if (path === NOTIFICATIONS || path === `${NOTIFICATIONS}/`) return { name: 'notifications' };
  const linkPage = LINK_PAGES.find((page) => path === `/${page}` || path === `/${page}/`);
  if (linkPage) return { name: linkPage };
  if (EARLIER_UNSUBSCRIBE_PAGES.some((page) => path === `/${page}` || path === `/${page}/`)) return { name: 'unsubscribe' };
  try {
    const favourite = /^\/favourites\/([^/]+)\/?$/.exec(path);
    if (favourite) return { name: 'favourite', subjectId: decodeURIComponent(favourite[1]!) };
    const collection = /^\/collections\/([^/]+)\/?$/.exec(path);
    if (collection) return { name: 'collection', collectionId: decodeURIComponent(collection[1]!) };
    const volunteer = /^\/volunteers\/([^/]+)\/?$/.exec(path);
    if (volunteer) return { name: 'volunteer', volunteerId: decodeURIComponent(volunteer[1]!) };
    const project = /^\/projects\/([^/]+)\/?$/.exec(path);
    if (project) return { name: 'project', projectSlug: decodeURIComponent(project[1]!) };
    const subject = /^\/projects\/([^/]+)\/subjects\/([^/]+)\/?$/.exec(path);
    if (subject) return { name: 'subject', projectSlug: decodeURIComponent(subject[1]!), subjectId: decodeURIComponent(subject[2]!) };
    const discussions = /^\/projects\/([^/]+)\/discussions\/?$/.exec(path);
    if (discussions) return { name: 'discussions', projectSlug: decodeURIComponent(discussions[1]!) };
    const board = /^\/projects\/([^/]+)\/boards\/([^/]+)\/?$/.exec(path);
    if (board) return { name: 'board', projectSlug: decodeURIComponent(board[1]!), boardId: decodeURIComponent(board[2]!) };
    const boardDiscussion = /^\/projects\/([^/]+)\/talk\/([^/]+)\/?$/.exec(path);
    if (boardDiscussion) return { name: 'board-discussion', projectSlug: decodeURIComponent(boardDiscussion[1]!), discussionId: decodeURIComponent(boardDiscussion[2]!) };
    const news = /^\/projects\/([^/]+)\/news\/?$/.exec(path);
    if (news) return { name: 'news', projectSlug: decodeURIComponent(news[1]!) };
    const about = /^\/projects\/([^/]+)\/about(?:\/([^/]+))?\/?$/.exec(path);
    if (about) return { name: 'about', projectSlug: decodeURIComponent(about[1]!), kind: about[2] === undefined ? null : decodeURIComponent(about[2]) };
    const stats = /^\/projects\/([^/]+)\/stats\/?$/.exec(path);
    if (stats) return { name: 'stats', projectSlug: decodeURIComponent(stats[1]!) };
    const readSet = /^\/projects\/([^/]+)\/sets\/([^/]+)\/read\/?$/.exec(path);
    if (readSet) return { name: 'read-set', projectSlug: decodeURIComponent(readSet[1]!), setId: decodeURIComponent(readSet[2]!) };
    const classify = /^\/projects\/([^/]+)\/workflows\/([^/]+)\/?$/.exec(path);
    if (classify) return { name: 'classify', projectSlug: decodeURIComponent(classify[1]!), workflowId: decodeURIComponent(classify[2]!) };
    const labProject = /^\/lab\/projects\/([^/]+)\/?$/.exec(path);
    if (labProject) return { name: 'lab-project', projectSlug: decodeURIComponent(labProject[1]!) };
    const labSet = /^\/lab\/projects\/([^/]+)\/subject-sets\/([^/]+)\/?$/.exec(path);
    if (labSet) return { name: 'lab-subject-set', projectSlug: decodeURIComponent(labSet[1]!), setId: decodeURIComponent(labSet[2]!) };
    const labWorkflow = /^\/lab\/workflows\/([^/]+)\/?$/.exec(path);
    if (labWorkflow) return { name: 'lab-workflow', workflowId: decodeURIComponent(labWorkflow[1]!) };
    const labResults = /^\/lab\/workflows\/([^/]+)\/results\/?$/.exec(path);
    if (labResults) return { name: 'lab-results', workflowId: decodeURIComponent(labResults[1]!) };
    const labSubjectResult = /^\/lab\/workflows\/([^/]+)\/results\/([^/]+)\/?$/.exec(path);
    if (labSubjectResult) return { name: 'lab-subject-result', workflowId: decodeURIComponent(labSubjectResult[1]!), subjectId: decodeURIComponent(labSubjectResult[2]!) };
  } catch {
    // a broken percent escape (`%E0%A4%A`) names nothing
  }
  return { name: 'not-found', path };
}

/** A subject set read as a document, as the project publishes its results in workflow `workflowId`. */
export function readSetPath(projectSlug: string, setId: string, workflowId: string): string {
  return `${projectPath(projectSlug)}/sets/${encodeURIComponent(setId)}/read?${new URLSearchParams({ workflowId })}`;
}

/** A workflow's classify page; with `subjectSetId`, for the subject set the volunteer chose (`?set=`, `volunteersChooseSubjectSet`). */
export function classifyPath(projectSlug: string, workflowId: string, subjectSetId?: string): string {
  return `${projectPath(projectSlug)}/workflows/${encodeURIComponent(workflowId)}${subjectSetId ? `?${new URLSearchParams({ set: subjectSetId })}` : ''}`;
}

/** The subject set a classify page's address names (`classifyPath`'s `subjectSetId`), if any. */
export const chosenSetIn = (search: URLSearchParams): string | undefined => search.get('set') || undefined;

/** The comment the address names (`#comment-<id>`), if it names one. */
export function commentInAddress(): string | null {
  return /^#comment-(.+)$/.exec(window.location.hash)?.[1] ?? null;
}

/** A project's news, newest first (where its news mails link). */
export function newsPath(projectSlug: string): string {
  return `${projectPath(projectSlug)}/news`;
}

/** A project's About pages; with `kind`, the address of that page's tab. */
export function aboutPath(projectSlug: string, kind?: string): string {
  return `${projectPath(projectSlug)}/about${kind ? `/${encodeURIComponent(kind)}` : ''}`;
}

/**
 * What the page of `path` is, for moving focus to its heading when it changes: an About page's tabs (their addresses
 * linkable) are one page, whose tab keeps focus as it changes the address.
 */
export function pageOf(path: string): string {
  const route = matchRoute(path);
  return route.name === 'about' ? aboutPath(route.projectSlug) : path;
}

/** A project's classifications and volunteers per day, for anyone who may see the project. */
export function statsPath(projectSlug: string): string {
  return `${projectPath(projectSlug)}/stats`;
}

/** A project's recent discussions, newest first; with `tag`, those with that #hashtag; with `q`, those with these words. */
export function discussionsPath(projectSlug: string, { tag, q }: { tag?: string; q?: string } = {}): string {
  const search = new URLSearchParams({ ...(tag ? { tag } : {}), ...(q ? { q } : {}) }).toString();
  return `${projectPath(projectSlug)}/discussions${search ? `?${search}` : ''}`;
}

/** The volunteer's favourite subjects, across projects. */
export const FAVOURITES = '/favourites';

/** The volunteer's collections of subjects. */
export const COLLECTIONS = '/collections';

/** A collection: its owner's, or anyone's while it is public (its share link). */
export function collectionPath(collectionId: string): string {
  return `${COLLECTIONS}/${encodeURIComponent(collectionId)}`;
}

/** A volunteer's public profile: their public collections and latest comments. */
export function volunteerPath(volunteerId: string): string {
  return `/volunteers/${encodeURIComponent(volunteerId)}`;
}

/** The volunteer's own classifications, in every project and workflow. */
export const CLASSIFICATIONS = '/classifications';

/** What the volunteer wrote in discussions, in every project. */
export const COMMENTS = '/comments';

/** The volunteer's notifications: replies to their comments, and mentions of them, in every project. */
export const NOTIFICATIONS = '/notifications';

/** One of the volunteer's favourites, shown whole. */
export function favouritePath(subjectId: string): string {
  return `${FAVOURITES}/${encodeURIComponent(subjectId)}`;
}

/** The researcher lab: the signed-in researcher's projects, and a way to create one. */
export const LAB = '/lab';

export function labSubjectSetPath(projectSlug: string, setId: string): string {
  return `${labProjectPath(projectSlug)}/subject-sets/${encodeURIComponent(setId)}`;
}

/** A workflow's results subject by subject; `filters` (its `status`, `q`) in the query, kept for the way back. */
export function labResultsPath(workflowId: string, filters: Record<string, string> = {}): string {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value)).toString();
  return `${labWorkflowPath(workflowId)}/results${query ? `?${query}` : ''}`;
}

/** A workflow's results as a reviewer checks them: the subjects whose consensus needs checking and nobody reviewed yet. */
export function labCheckPath(workflowId: string): string {
  return labResultsPath(workflowId, { needsChecking: 'true', reviewed: 'false' });
}

export function labSubjectResultPath(workflowId: string, subjectId: string): string {
  return `${labResultsPath(workflowId)}/${encodeURIComponent(subjectId)}`;
}

const SIGN_IN = '/sign-in';
const CREATE_ACCOUNT = '/create-account';
/** The volunteer's own account: name, password, sign-out everywhere, deletion. */
export const ACCOUNT = '/account';

/** The pages of the links Chorus mails, and the page that asks for one: their paths are their names. */
const LINK_PAGES = ['verify-email', 'forgot-password', 'reset-password', 'unsubscribe'] as const;
/** Where the one-click stop of discussion, report and completion mails sent before there was one page led: that page. */
const EARLIER_UNSUBSCRIBE_PAGES = ['stop-discussion-mails', 'stop-completion-mails'];
export const FORGOT_PASSWORD = '/forgot-password';

/** A page of the researchers' lab. */
export type LabRoute = Extract<Route, { name: `lab${string}` }>;

export function isLabRoute(route: Route): route is LabRoute {
  return route.name === 'lab' || route.name.startsWith('lab-');
}

/** The pages that need no guest session first: the account pages, and the pages of mailed links. */
export function isAccountPage(route: Route): boolean {
  return route.name === 'sign-in' || route.name === 'create-account' || (LINK_PAGES as readonly string[]).includes(route.name);
}

/**
 * The token of the mailed link this tab was opened with, kept once taken out of the address: in this tab's session
 * storage, so that a reload (or a phone bringing a discarded tab back) keeps it too.
 */
const HELD_LINK_TOKEN = 'chorus.linkToken';

interface HeldLinkToken {
  path: string;
  token: string;
}

function heldLinkToken(): HeldLinkToken | null {
  try {
    return JSON.parse(window.sessionStorage.getItem(HELD_LINK_TOKEN) ?? 'null') as HeldLinkToken | null;
  } catch {
    return null;
  }
}

function holdLinkToken(held: HeldLinkToken | null): void {
  try {
    if (held) window.sessionStorage.setItem(HELD_LINK_TOKEN, JSON.stringify(held));
    else window.sessionStorage.removeItem(HELD_LINK_TOKEN);
  } catch {
    // Without storage, the token lasts as long as the page that read it.
  }
}

/**
 * The token of a mailed link: after `#token=` in the address (where no server's log or referrer sees it), taken out of
 * the address at once so that history does not keep it, and held for its page until it is spent, the volunteer goes
 * to another page, or someone signs in: it survives the page being drawn again (the stored sign-in ended, say) and a
 * reload. A link pasted into the same tab later is read too.
 */
export function useLinkToken(): string | null {
  const [token, setToken] = useState(takeLinkToken);
  useEffect(() => {
    const onHashChange = () => setToken(takeLinkToken());
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return token;
}

function takeLinkToken(): string | null {
  const { pathname, search, hash } = window.location;
  const token = new URLSearchParams(hash.slice(1)).get('token');
  if (token) holdLinkToken({ path: pathname, token });
  // A new link (pasted into this tab) has done nothing yet, whatever the one before it did.
  const state = token ? { ...(window.history.state as object | null), chorusLink: undefined } : window.history.state;
  if (hash) window.history.replaceState(state, '', pathname + search);
  const held = heldLinkToken();
  return held?.path === pathname ? held.token : null;
}

/** Forgets the held token: its link has done what it does, or the volunteer went elsewhere, or someone signed in. */
export function spendLinkToken(): void {
  holdLinkToken(null);
}

/** What opening a mailed link did, kept with this page's history entry: a reload, or Back to it, shows it again. */
export function linkOutcome<T>(): T | undefined {
  return (window.history.state as { chorusLink?: T } | null)?.chorusLink;
}

export function rememberLinkOutcome<T>(outcome: T | undefined): void {
  window.history.replaceState({ ...(window.history.state as object | null), chorusLink: outcome }, '', window.location.href);
}

/** The sign-in or create-account page, coming back to `next` (a path of this app) once done. */
export function accountPath(page: 'sign-in' | 'create-account', next: string): string {
  const path = page === 'sign-in' ? SIGN_IN : CREATE_ACCOUNT;
  return next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`;
}

/**
 * Where an account page leads once done: its `next`, when that is a page of this app (never another site, nor an
 * account page or a mailed link's), else the project list.
 */
export function nextPath(search: string = window.location.search): string {
  const next = new URLSearchParams(search).get('next') ?? '';
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  const url = new URL(next, window.location.origin);
  if (url.origin !== window.location.origin) return '/';
  const route = matchRoute(url.pathname);
  return isAccountPage(route) ? '/' : url.pathname + url.search;
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
