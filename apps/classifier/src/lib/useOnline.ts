import { useEffect, useRef, useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Whether the browser says it has a connection, kept up to date as it goes and comes back. */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

/**
 * Calls `retry` each time the browser comes back online while `failed`: a medium that failed for want of a
 * connection is tried again, once per coming-back, rather than staying broken until a reload.
 */
export function useRetryWhenOnline(failed: boolean, retry: () => void): void {
  const latest = useRef({ failed, retry });
  latest.current = { failed, retry };
  useEffect(() => {
    const onOnline = () => {
      if (latest.current.failed) latest.current.retry();
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, []);
}
