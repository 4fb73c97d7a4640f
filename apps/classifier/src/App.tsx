import type { ChorusClient } from '@chorus/client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './components/ErrorAlert';
import { ClientContext } from './lib/clientContext';
import { describeError, type Problem } from './lib/errors';
import { Link, matchRoute, usePath } from './lib/router';
import { session } from './lib/session';
import { ClassifyPage } from './pages/ClassifyPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';

export function App() {
  const [client, setClient] = useState<ChorusClient | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const path = usePath();
  const { t } = useTranslation();
  const main = useRef<HTMLElement>(null);

  // A volunteer without a token becomes a guest before anything else is asked of the API.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger; "Try again" bumps it to start the session again
  useEffect(() => {
    let cancelled = false;
    session.ready().then(
      (ready) => !cancelled && setClient(ready),
      (error: unknown) => !cancelled && setProblem(describeError(error)),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // After an in-app navigation, move focus to the new page's heading, as a full page load would. The pages
  // (and so their heading) only render once the session has a client, hence the wait for it.
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = '';
    if (client) main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path, client]);

  const route = matchRoute(path);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {client ? (
          <ClientContext.Provider value={client}>
            {route.name === 'home' && <HomePage />}
            {route.name === 'classify' && <ClassifyPage key={route.workflowId} projectSlug={route.projectSlug} workflowId={route.workflowId} />}
            {route.name === 'not-found' && <NotFoundPage path={route.path} />}
          </ClientContext.Provider>
        ) : (
          <>
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
              </button>
            </ErrorAlert>
            {!problem && (
              <p className="loading" role="status">
                {t('app.startingSession')}
              </p>
            )}
          </>
        )}
      </main>
    </>
  );
}
