import { useLayoutEffect, useRef } from 'react';
import { hasModifier, pageKeysQuiet, isTypingTarget, singleKeysOff } from './keyboard';

/**
 * Calls `onDigit(index)` (0-based) when 1–9 is pressed anywhere on the page, except while typing in a field.
 * A layout effect, so the shortcut works from the moment the task is on screen.
 */
export function useDigitKeys(onDigit: (index: number) => unknown, enabled = true): void {
  const latest = useRef({ onDigit, enabled });
  latest.current = { onDigit, enabled };
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!latest.current.enabled || event.defaultPrevented || hasModifier(event) || isTypingTarget(event.target) || pageKeysQuiet(event.target) || singleKeysOff(event)) return;
      if (!/^[1-9]$/.test(event.key)) return;
      if (latest.current.onDigit(Number(event.key) - 1) !== false) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
