import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answersWaitingBeforeSignOut, onInvitationAnswered, refreshAccount, showAccountNotice, signOut, useSession } from '../lib/account';
import { onNotificationsRead } from '../lib/notifications';
import { session } from '../lib/session';
import { DisplayMenu } from './DisplayChoice';
import { ACCOUNT, accountPath, CLASSIFICATIONS, COLLECTIONS, FAVOURITES, isAccountPage, LAB, Link, matchRoute, NOTIFICATIONS, nextPath } from '../lib/router';

/**
 * The header's way to the volunteer's account, on every page: their favourites and classifications, and "Sign in" and "Create an account"
 * for a guest (both come back to this page once done), the account's name, its notifications (with how many are
 * unread), a link to its page and "Sign out" once signed in; and the display's choices, for everyone.
 */
export function AccountNav({ path }: { path: string }) {
  const { t } = useTranslation();
  const volunteer = useSession();
  const [signingOut, setSigningOut] = useState(false);
  /** Answers that could not be sent before signing out: the volunteer chooses what becomes of them. */
  const [waiting, setWaiting] = useState(0);
  const [focusSignIn, setFocusSignIn] = useState(false);
  const nav = useRef<HTMLElement>(null);

  // Signing out removes the button that had focus: focus goes to "Sign in", where the button was.
  useEffect(() => {
    if (!focusSignIn || volunteer.kind === 'registered') return;
    nav.current?.querySelector<HTMLElement>('[data-account-link="sign-in"]')?.focus();
    setFocusSignIn(false);
  }, [focusSignIn, volunteer.kind]);

  // An account not known to be verified asks once a load and once a sign-in: its link may have been opened elsewhere.
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again for another volunteer, not as the answer lands
  useEffect(() => {
    if (volunteer.kind === 'registered' && volunteer.emailVerified !== true) refreshAccount().catch(() => undefined);
  }, [volunteer.kind, volunteer.userId]);

  // Invitations to join projects wait on the account's page: the header says there are some, on every page, once the
  // account's email is known to be verified (the server keeps them from an unverified one; not known, the refresh
  // above finds out first).
  const [invitations, setInvitations] = useState(0);
  const [answered, setAnswered] = useState(0);
  useEffect(() => onInvitationAnswered(() => setAnswered((n) => n + 1)), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: counted again on each page and after each answer (`path`, `answered`)
  useEffect(() => {
    if (volunteer.kind !== 'registered' || volunteer.emailVerified !== true) {
      setInvitations(0);
      return;
    }
    let cancelled = false;
    session.client.myInvitations().then(
      (answer) => !cancelled && setInvitations(answer.invitations.length),
      () => undefined, // the page itself says what failed; the header only counts
    );
    return () => {
      cancelled = true;
    };
  }, [volunteer.kind, volunteer.userId, volunteer.emailVerified, path, answered]);

  // The unread notifications, counted on each page (no polling in between) and after some are marked read.
  const [unread, setUnread] = useState(0);
  const [read, setRead] = useState(0);
  useEffect(() => onNotificationsRead(() => setRead((n) => n + 1)), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: counted again on each page and after each marking (`path`, `read`)
  useEffect(() => {
    if (volunteer.kind !== 'registered') {
      setUnread(0);
      return;
    }
    let cancelled = false;
    session.client.notifications({ limit: 1 }).then(
      (answer) => !cancelled && setUnread(answer.unread),
      () => undefined, // the page itself says what failed; the header only counts
    );
    return () => {
      cancelled = true;
    };
  }, [volunteer.kind, volunteer.userId, path, read]);

  const route = matchRoute(path);
  // From a sign-in or create-account page, the other one leads back to the same page in the end; from a mailed
  // link's page (whose link is spent), to the project list.
  const onAccountPage = route.name === 'sign-in' || route.name === 'create-account';
  const here = onAccountPage ? nextPath() : isAccountPage(route) ? '/' : path + window.location.search;

  const onSignOut = async () => {
    if (signingOut) return;
    setSigningOut(true);
    const answersWaiting = await answersWaitingBeforeSignOut();
    if (answersWaiting > 0) {
      setSigningOut(false);
      setWaiting(answersWaiting);
      return;
    }
    await finishSignOut('keep');
  };

  const finishSignOut = async (choice: 'keep' | 'discard') => {
    setSigningOut(true);
    setWaiting(0);
    const { kept, discarded, ended } = await signOut(choice);
    setSigningOut(false);
    showAccountNotice((t) => {
      const said = kept > 0 ? t('account.signedOutWaiting', { count: kept }) : discarded > 0 ? t('account.signedOutDiscarded', { count: discarded }) : t('account.signedOut');
      return ended ? said : `${said} ${t('account.signOutNotConfirmed')}`;
    });
    setFocusSignIn(true);
  };

  // Asked once the answers could not be sent: the choice takes the sign-out button's place, focused for the keyboard.
  const choice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (waiting > 0) choice.current?.focus();
  }, [waiting]);

  return (
    <nav ref={nav} className="account-nav" aria-label={t('account.nav')} data-testid="account-nav">
      {volunteer.kind === 'registered' ? (
        <>
          <p className="account-name" data-testid="account-name">
            {t('account.signedInAs', { name: volunteer.displayName ?? volunteer.email ?? '' })}
          </p>
          <FavouritesLink current={route.name === 'favourites'} />
          {/* Not on a phone, so that the header stays one line: its favourites page links to it. */}
          <Link to={COLLECTIONS} className="nav-wide" data-account-link="collections" aria-current={route.name === 'collections' ? 'page' : undefined}>
            {t('collections.title')}
          </Link>
          <ClassificationsLink current={route.name === 'classifications'} />
          <Link
            to={NOTIFICATIONS}
            data-account-link="notifications"
            aria-current={route.name === 'notifications' ? 'page' : undefined}
            aria-label={unread > 0 ? t('notifications.navUnread', { count: unread }) : t('notifications.title')}
          >
            {/* On a phone the bell alone, so that the header stays one line above the subject. */}
            <span className="nav-icon" aria-hidden="true">
              🔔
            </span>
            <span className="nav-wide">{t('notifications.title')}</span>
            {unread > 0 && (
              <>
                {' '}
                <span className="nav-count">{unread}</span>
              </>
            )}
          </Link>
          <Link to={LAB} data-account-link="lab" aria-current={route.name === 'lab' ? 'page' : undefined}>
            {t('lab.nav')}
          </Link>
          {/* Before the account's links: on a phone it keeps to the icons' line. */}
          <DisplayMenu />
          <Link to={ACCOUNT} data-account-link="account" aria-current={route.name === 'account' ? 'page' : undefined}>
            {invitations > 0 ? t('account.yoursWithInvitations', { count: invitations }) : t('account.yours')}
          </Link>
          {waiting > 0 ? (
            <div ref={choice} tabIndex={-1} role="alertdialog" aria-labelledby="sign-out-waiting" className="sign-out-waiting" data-testid="sign-out-waiting">
              <p id="sign-out-waiting">{t('account.signOutWaiting.question', { count: waiting })}</p>
              <button type="button" className="button button-header" onClick={() => void finishSignOut('keep')}>
                {t('account.signOutWaiting.keep')}
              </button>
              <button type="button" className="button button-header" onClick={() => void finishSignOut('discard')}>
                {t('account.signOutWaiting.discard', { count: waiting })}
              </button>
              <button type="button" className="button button-header" onClick={() => setWaiting(0)}>
                {t('account.signOutWaiting.stay')}
              </button>
            </div>
          ) : (
            <button type="button" className="button button-header" onClick={() => void onSignOut()} aria-disabled={signingOut || undefined}>
              {signingOut ? t('account.signingOut') : t('account.signOut')}
            </button>
          )}
        </>
      ) : (
        <>
          <ul>
          <li>
            <FavouritesLink current={route.name === 'favourites'} />
          </li>
          <li>
            <ClassificationsLink current={route.name === 'classifications'} />
          </li>
          <li>
            <Link to={accountPath('sign-in', here)} data-account-link="sign-in" aria-current={route.name === 'sign-in' ? 'page' : undefined}>
              {t('account.signIn')}
            </Link>
          </li>
          {/* On a phone the sign-in page offers it, so that the header stays one line above the subject. */}
          <li className="nav-wide">
            <Link
              to={accountPath('create-account', here)}
              className="button button-header"
              data-account-link="create-account"
              aria-current={route.name === 'create-account' ? 'page' : undefined}
            >
              {t('account.createAccount')}
            </Link>
          </li>
          </ul>
          <DisplayMenu />
        </>
      )}
    </nav>
  );
}

/** "Your favourites"; on a phone a star alone, so that the header stays short above the subject. */
function FavouritesLink({ current }: { current: boolean }) {
  const { t } = useTranslation();
  return (
    <Link to={FAVOURITES} data-account-link="favourites" aria-current={current ? 'page' : undefined} aria-label={t('favourites.title')}>
      <span className="nav-icon" aria-hidden="true">
        ☆
      </span>
      <span className="nav-wide">{t('favourites.title')}</span>
    </Link>
  );
}

/** "Your classifications"; on a phone an icon alone, so that the header stays short above the subject. */
function ClassificationsLink({ current }: { current: boolean }) {
  const { t } = useTranslation();
  return (
    <Link to={CLASSIFICATIONS} data-account-link="classifications" aria-current={current ? 'page' : undefined} aria-label={t('classifications.title')}>
      <span className="nav-icon" aria-hidden="true">
        🕘
      </span>
      <span className="nav-wide">{t('classifications.title')}</span>
    </Link>
  );
}
