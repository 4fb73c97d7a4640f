import { useSyncExternalStore } from 'react';
import { useSingleKeysOn } from './singleKeys';

/**
 * A phone or tablet without a mouse, most often without a keyboard too: the same test as the stylesheet's, which hides
 * the keys shown beside answers and tools there (`styles.css`), so that words and hints agree.
 */
const TOUCH_ONLY = '(hover: none) and (pointer: coarse)';

const query = () => (typeof window.matchMedia === 'function' ? window.matchMedia(TOUCH_ONLY) : null);

function subscribe(onChange: () => void): () => void {
  const list = query();
  list?.addEventListener('change', onChange);
  return () => list?.removeEventListener('change', onChange);
}

/** Whether this device is touch only (a keyboard attached, or a mouse, makes it not), kept up to date. */
export function useTouchOnly(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => query()?.matches ?? false,
    () => false,
  );
}

/** How the volunteer works the page, for words that name keys: single-key shortcuts on or off, or by touch alone (no keys named). */
export type KeysNamed = 'singleKeys' | 'modifiedKeys' | 'touch';

/** Which keys words on this device name (`KeysNamed`), kept up to date. */
export function useKeysNamed(): KeysNamed {
  const singleKeys = useSingleKeysOn();
  const touchOnly = useTouchOnly();
  if (touchOnly) return 'touch';
  return singleKeys ? 'singleKeys' : 'modifiedKeys';
}
