import { lazy, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountNav } from './components/AccountNav';
import { ErrorAlert } from './components/ErrorAlert';
import { LanguageChoice } from './components/LanguageChoice';
import { LoadedPart } from './components/LoadedPart';
import { showAccountNotice, useAccountNotice, useSession } from './lib/account';
import { ClientContext } from './lib/clientContext';
import { describeError, type Problem } from './lib/errors';
import { outbox } from './lib/outbox';
import { OUTBOX_RETRY_MS } from './lib/sendTimes';
import { Link, accountPath, chosenSetIn, isAccountPage, isLabRoute, matchRoute, pageOf, usePath, useSearch } from './lib/router';
import { session } from './lib/session';
import { CreateAccountPage, SignInPage } from './pages/AccountPages';
import { ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage } from './pages/EmailLinkPages';
import { AccountSettingsPage } from './pages/AccountSettingsPage';
import { ClassificationsPage } from './pages/ClassificationsPage';
import { CommentsPage } from './pages/CommentsPage';
import { CollectionPage, CollectionsPage } from './pages/CollectionsPage';
import { VolunteerPage } from './pages/VolunteerPage';
import { FavouriteSubjectPage, FavouritesPage } from './pages/FavouritesPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { ClassifyPage } from './pages/ClassifyPage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectNewsPage } from './pages/ProjectNewsPage';
import { ProjectAboutPage } from './pages/ProjectAboutPage';
import { ProjectStatsPage } from './pages/ProjectStatsPage';
import { ReadSetPage } from './pages/ReadSetPage';
import { UnsubscribePage } from './pages/UnsubscribePage';
import { ProjectDiscussionsPage, SubjectDiscussionPage } from './pages/DiscussionPages';
import { BoardDiscussionPage, BoardPage } from './pages/BoardPages';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { useSaid } from './lib/said';

const LabRoutes = lazy(() => import('./pages/lab/LabRoutes'));

export function App() {
  const volunteer = useSession();
  const [problem, setProblem] = useSaid<Problem>();
  const [attempt, setAttempt] = useState(0);
  const path = usePath();
  const { t } = useTranslation();
  const main = useRef<HTMLElement>(null);
  const notice = useAccountNotice();
  const hasToken = volunteer.token !== null;
  const route = matchRoute(path);
  const search = useSearch();
  const chosenSet = chosenSetIn(search);
  // Signing in or creating an account (or opening a mailed link) needs no guest first: those pages stay open when a
  // guest cannot be made (the API refuses more from one address, say), which is when a volunteer with an account most
  // needs them.
  const accountPage = isAccountPage(route);

  // A volunteer without a token becomes a guest before anything else is asked of the API: on arrival, and after
  // signing out.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger; "Try again" bumps it to start the session again
  useEffect(() => {
    if (hasToken || accountPage) return;
    setProblem(null); // a failure seen before (then Sign in, and back without signing in) is not this attempt's
    let cancelled = false;
    session.ready().then(
      () => undefined,
      (error: unknown) => !cancelled && setProblem(() => describeError(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [hasToken, accountPage, attempt]);

  // Starting it failed because the network was gone (for instance signing out offline): try again once it is back.
  const failed = problem !== null;
  useEffect(() => {
    if (hasToken || !failed) return;
    const onOnline = () => {
      setProblem(null);
      setAttempt((n) => n + 1);
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [hasToken, failed]);

  // The server stopped accepting the account's token (it expired, or was ended elsewhere): the volunteer is a guest
  // again, and told so, in words true to what happened. The classify page says it itself, with what became of the
  // answers waiting there and the choice of signing in again or going on as a guest.
  const ended = volunteer.ended;
  const endedOnClassifyPage = useRef(false);
  endedOnClassifyPage.current = route.name === 'classify';
  useEffect(() => {
    if (!ended || endedOnClassifyPage.current) return;
    showAccountNotice((t) => (ended === 'signed-out' ? t('account.endedElsewhere') : t('account.ended')));
  }, [ended]);

  // Answers waiting on this device are sent from every page; the classify page sends them itself, with what comes back.
  const classifying = route.name === 'classify';
  useEffect(() => {
    if (!hasToken || classifying) return;
    const send = () => {
      if (navigator.onLine) void outbox.flush(session.client);
    };
    send();
    window.addEventListener('online', send);
    const timer = setInterval(send, OUTBOX_RETRY_MS);
    return () => {
      window.removeEventListener('online', send);
      clearInterval(timer);
    };
  }, [hasToken, classifying]);

  // After an in-app navigation, move focus to the new page's heading, as a full page load would. The pages
  // (and so their heading) only render once the session has a token, hence the wait for it; so does the heading that
  // says the session could not start.
  const page = pageOf(path);
  const firstPath = useRef(page);
  /** The page whose heading was last focused (or waited for): shown again, it keeps the focus it gave itself. */
  const focusedPath = useRef<string | null>(null);
  // The home page lists the public projects without a guest when none can be made (the API refuses more from one
  // address): anyone may read them, and the classify page then says why it cannot start.
  const shown = hasToken || accountPage || (failed && route.name === 'home');
  // A failure right after signing out (offline) leaves focus on "Sign in", where the button was: the alert is read out.
  useEffect(() => {
    if (page === firstPath.current && !failed) return;
    firstPath.current = '';
    if (failed && !shown && document.activeElement?.closest('.site-header')) return;
    // The same page shown again (for the guest that follows an account whose sign-in the server ended): the focus it
    // gave itself ("You were signed out") is not taken back to its heading.
    if (shown && !failed && page === focusedPath.current && main.current?.contains(document.activeElement)) return;
    if (!shown && !failed) return;
    focusedPath.current = page;
    return focusHeadingOnceShown(main.current);
  }, [page, shown, failed]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <AccountNav path={path} />
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <div role="status" className="account-status" data-testid="account-status">
          {notice && notice.path === path && (
            <p key={notice.n} className="notice">
              {notice.text(t)}
            </p>
          )}
        </div>
        {shown ? (
          // Each volunteer's pages are their own: signing in or out starts them afresh (creating an account keeps the
          // same user, and the pages with it).
          <ClientContext.Provider value={session.client} key={volunteer.userId ?? volunteer.token}>
            {route.name === 'home' && <HomePage />}
            {route.name === 'project' && <ProjectPage key={route.projectSlug} projectSlug={route.projectSlug} />}
            {route.name === 'subject' && <SubjectDiscussionPage key={`${route.projectSlug}/${route.subjectId}`} projectSlug={route.projectSlug} subjectId={route.subjectId} />}
            {route.name === 'discussions' && <ProjectDiscussionsPage key={route.projectSlug} projectSlug={route.projectSlug} />}
            {route.name === 'board' && <BoardPage key={`${route.projectSlug}/${route.boardId}`} projectSlug={route.projectSlug} boardId={route.boardId} />}
            {route.name === 'board-discussion' && <BoardDiscussionPage key={`${route.projectSlug}/${route.discussionId}`} projectSlug={route.projectSlug} discussionId={route.discussionId} />}
            {route.name === 'news' && <ProjectNewsPage key={route.projectSlug} projectSlug={route.projectSlug} />}
            {route.name === 'about' && <ProjectAboutPage key={route.projectSlug} projectSlug={route.projectSlug} kind={route.kind} />}
            {route.name === 'stats' && <ProjectStatsPage key={route.projectSlug} projectSlug={route.projectSlug} />}
            {route.name === 'read-set' && <ReadSetPage key={`${route.projectSlug}/${route.setId}?${search.get('workflowId') ?? ''}`} projectSlug={route.projectSlug} setId={route.setId} workflowId={search.get('workflowId')} />}
            {route.name === 'classify' && <ClassifyPage key={`${route.workflowId}?${chosenSet ?? ''}`} projectSlug={route.projectSlug} workflowId={route.workflowId} subjectSetId={chosenSet} />}
            {route.name === 'sign-in' && <SignInPage />}
            {route.name === 'create-account' && <CreateAccountPage />}
            {route.name === 'account' && <AccountSettingsPage />}
            {route.name === 'favourites' && <FavouritesPage />}
            {route.name === 'collections' && <CollectionsPage />}
            {route.name === 'collection' && <CollectionPage key={route.collectionId} collectionId={route.collectionId} />}
            {route.name === 'volunteer' && <VolunteerPage key={route.volunteerId} volunteerId={route.volunteerId} />}
            {route.name === 'classifications' && <ClassificationsPage />}
            {route.name === 'comments' && <CommentsPage />}
            {route.name === 'notifications' && <NotificationsPage />}
            {route.name === 'favourite' && <FavouriteSubjectPage key={route.subjectId} subjectId={route.subjectId} />}
            {route.name === 'verify-email' && <VerifyEmailPage />}
            {route.name === 'forgot-password' && <ForgotPasswordPage />}
            {route.name === 'reset-password' && <ResetPasswordPage />}
            {route.name === 'unsubscribe' && <UnsubscribePage />}
            {isLabRoute(route) && (
              <LoadedPart fallback={<p className="loading" role="status">{t('lab.loading')}</p>}>
                <LabRoutes route={route} />
              </LoadedPart>
            )}
            {route.name === 'not-found' && <NotFoundPage path={route.path} />}
          </ClientContext.Provider>
        ) : (
          <>
            {problem && (
              <h1 tabIndex={-1} data-testid="session-failed">
                {t('app.cannotStart')}
              </h1>
            )}
            <ErrorAlert problem={problem}>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => {
                  setProblem(null);
                  setAttempt((n) => n + 1);
                }}
              >
                {t('app.tryAgain')}
              </button>{' '}
              <Link to={accountPath('sign-in', path)} className="button button-secondary">
                {t('account.signIn')}
              </Link>
            </ErrorAlert>
            {!problem && (
              <p className="loading" role="status">
                {t('app.startingSession')}
              </p>
            )}
          </>
        )}
      </main>
      <footer className="site-footer">
        <LanguageChoice />
      </footer>
    </>
  );
}

/** How long a page that loads its data after a navigation may take to show its heading and still be given focus. */
const HEADING_WAIT_MS = 10_000;

/**
 * Whether the section the address names (`/account#public-profile`, reached by an in-app link) has focused its own
 * heading as it was shown (`useHeadingFocusedWhenAddressed`, whose effect runs before this component's): it keeps it.
 */
function addressedSectionFocused(main: HTMLElement | null): boolean {
  const section = window.location.hash.length > 1 ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
  return !!section && !!main?.contains(section) && section.contains(document.activeElement);
}

/**
 * Focuses the page's heading, or, for a page that shows it once its data has loaded (a lab page, a project), the
 * heading when it comes, unless the volunteer has moved focus meanwhile. Answers how to stop waiting.
 */
function focusHeadingOnceShown(main: HTMLElement | null): (() => void) | undefined {
  const heading = main?.querySelector<HTMLElement>('h1');
  if (heading || !main) {
    if (!addressedSectionFocused(main)) heading?.focus();
    return undefined;
  }
  const observer = new MutationObserver(() => {
    const shown = main.querySelector<HTMLElement>('h1');
    if (!shown) return;
    stop();
    if (!main.contains(document.activeElement)) shown.focus();
  });
  const timer = setTimeout(() => stop(), HEADING_WAIT_MS);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  observer.observe(main, { childList: true, subtree: true });
  return stop;
}
