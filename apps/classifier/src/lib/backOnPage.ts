import { useEffect, useRef } from 'react';

/**
 * Calls `back` each time the page is shown again or its window focused, saying whether the volunteer had left it since
 * the last call: hidden (another tab, a minimised window, a phone's screen off) or its window unfocused (another
 * window, or they turned to another device). Coming back fires both events: only the first says they had left.
 * Returns the stop.
 */
export function watchReturns(back: (wasAway: boolean) => void): () => void {
  let away = document.visibilityState === 'hidden';
  const returned = () => {
    if (document.visibilityState !== 'visible') return;
    const wasAway = away;
    away = false;
    back(wasAway);
  };
  const left = () => {
    away = true;
  };
  const visibility = () => (document.visibilityState === 'hidden' ? left() : returned());
  document.addEventListener('visibilitychange', visibility);
  window.addEventListener('blur', left);
  window.addEventListener('focus', returned);
  return () => {
    document.removeEventListener('visibilitychange', visibility);
    window.removeEventListener('blur', left);
    window.removeEventListener('focus', returned);
  };
}

/** `back` (its latest version) each time the volunteer returns to the page after leaving it (`watchReturns`), while `active`. */
export function useBackOnPage(active: boolean, back: () => void): void {
  const latest = useRef(back);
  latest.current = back;
  useEffect(() => (active ? watchReturns((wasAway) => wasAway && latest.current()) : undefined), [active]);
}
