import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { ChorusApiError } from '@chorus/client';
import { describeError, type Problem } from './errors';
import { useSaid } from './said';

/**
 * What `load` answers, loaded again when `deps` change or `reload()` is called (after a change, or "Try again"); the
 * data shown stays until the new answer replaces it. An answer that comes after a newer load began is dropped.
 * `missing`: the API answered 404 or 403, so there is nothing here for the caller. Any other failure is `problem`, as
 * `describe` tells it (`describeError` unless the page knows better).
 */
export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList, describe: (error: unknown) => Problem = describeError) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useSaid<Problem>();
  const [missing, setMissing] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` name what `load` reads; `attempt` is the reload trigger
  useEffect(() => {
    let cancelled = false;
    load().then(
      (loaded) => {
        if (cancelled) return;
        setData(loaded);
        setProblem(null);
      },
      (error: unknown) => {
        if (cancelled) return;
        // Nothing there, or nothing the caller may see: trying again cannot help.
        if (error instanceof ChorusApiError && (error.status === 404 || error.status === 403)) setMissing(true);
        else setProblem(() => describe(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [...deps, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, problem, missing, reload };
}
