import { useSyncExternalStore } from 'react';

/**
 * Whether single-key shortcuts (1–9, G, T, ?, U, the image keys) are on: a volunteer who uses speech input, or
 * presses keys by accident, turns them off in the shortcuts list (WCAG 2.1.4). Kept on this device; on by default.
 * Shortcuts with Ctrl or Alt, and keys that act on the focused control only, stay.
 */
const KEY = 'chorus.singleKeyShortcuts';
const listeners = new Set<() => void>();

export function singleKeysOn(): boolean {
  try {
    return window.localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setSingleKeysOn(on: boolean): void {
  try {
    if (on) window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, 'off');
  } catch {
    // storage disabled: the choice lasts as long as nothing reads it again
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
