import { useEffect, useState } from 'react';

/**
 * A count that goes up every `everyMs` while the page is shown, and as it shows again once that long has passed since
 * it last went up: what figures left on screen are fetched again on, never while the page is hidden. Stays 0 unless `active`.
 */
export function useRefreshesWhileShown(everyMs: number, active: boolean): number {
  const [refreshes, setRefreshes] = useState(0);
  useEffect(() => {
    if (!active) return;
    let last = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wait = () => {
      clearTimeout(timer);
      if (document.visibilityState === 'visible') timer = setTimeout(refresh, last + everyMs - Date.now());
    };
    const refresh = () => {
      last = Date.now();
      setRefreshes((count) => count + 1);
      wait();
    };
    const shownOrHidden = () => (document.visibilityState === 'visible' && Date.now() - last >= everyMs ? refresh() : wait());
    wait();
    document.addEventListener('visibilitychange', shownOrHidden);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shownOrHidden);
    };
  }, [everyMs, active]);
  return refreshes;
}
