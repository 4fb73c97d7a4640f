import { useSyncExternalStore } from 'react';

/**
 * Whether single-key shortcuts (1–9, G, T, ?, U, the image keys) are on: a volunteer who uses speech input, or
 * presses keys by accident, turns them off in the shortcuts list (WCAG 2.1.4). Kept on this device; on by default.
 * Shortcuts with Ctrl or Alt, and keys that act on the focused control only, stay.
 */
const KEY = 'chorus.singleKeyShortcuts';
const listeners = new Set<() => void>();
/** The choice for this page when the device keeps nothing (storage blocked): it still holds until the page goes. */
let chosen: boolean | undefined;

export function singleKeysOn(): boolean {
  try {
    return window.localStorage.getItem(KEY) !== 'off';
  } catch {
    return chosen ?? true;
  }
}

export function setSingleKeysOn(on: boolean): void {
  chosen = on;
  try {
    if (on) window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, 'off');
  } catch {
    // storage blocked: `chosen` holds the choice for this page
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSingleKeysOn(): boolean {
  return useSyncExternalStore(subscribe, singleKeysOn);
}
