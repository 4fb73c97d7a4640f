import { DEVICE_DISPLAY, type Display, displaySchema } from '@chorus/client';
import { useSyncExternalStore } from 'react';

/**
 * How the interface shows itself on this device: its theme (light, dark, or as the device is set) and its text size,
 * chosen by the volunteer and kept on the device (an account keeps it too: `keepAccountDisplay`, lib/account.ts). The
 * page's root carries it, `data-theme` (`light` or `dark`, the device's setting resolved) and `data-text-size`, which
 * styles.css reads. index.html's script sets them from the same storage before the first paint; this keeps them after.
 */

/** Where the choice is kept on this device (index.html's script reads it too). */
const KEPT = 'chorus.display';

/** Whether this runs in a page: the classifier's unit tests load its modules in Node, where the page's side is left out. */
const inPage = typeof window !== 'undefined';

const darkDevice = inPage ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;

/** `value` as a display, or null when it is not one (another version's, or edited by hand). */
export function asDisplay(value: unknown): Display | null {
  const parsed = displaySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The display chosen on this device, or null: none chosen (the device's own setting, normal text). */
function chosenDisplay(): Display | null {
  try {
    return asDisplay(JSON.parse(window.localStorage.getItem(KEPT) ?? 'null'));
  } catch {
    return null; // storage disabled, or not JSON: as if none were chosen
  }
}

let shown: Display = chosenDisplay() ?? DEVICE_DISPLAY;
const listeners = new Set<() => void>();

/** Sets the page's root to `display`. */
function apply(display: Display): void {
  const root = document.documentElement;
  root.dataset.theme = display.theme === 'device' ? (darkDevice?.matches ? 'dark' : 'light') : display.theme;
  root.dataset.textSize = display.textSize;
}

function show(display: Display): void {
  shown = display;
  apply(display);
  for (const listener of listeners) listener();
}

/** The volunteer's choice: shown at once, and kept on this device. */
export function chooseDisplay(display: Display): void {
  try {
    window.localStorage.setItem(KEPT, JSON.stringify(display));
  } catch {
    // storage disabled or full: the choice lasts as long as the page
  }
  show(display);
}

/** The display shown now, re-rendering when it changes (here, in another tab, or with the device's own setting). */
export function useDisplay(): Display {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => shown,
  );
}

if (inPage) {
  apply(shown);
  // "As my device" follows the device when it switches (at dusk, say); another tab's choice shows here too.
  darkDevice?.addEventListener('change', () => apply(shown));
  window.addEventListener('storage', (event) => {
    if (event.key === KEPT || event.key === null) show(chosenDisplay() ?? DEVICE_DISPLAY);
  });
}
