import { useLayoutEffect, useRef } from 'react';
import { hasModifier, pageKeysQuiet, isTypingTarget, singleKeysOff } from './keyboard';

/** Calls `handler` when the single-character `key` is pressed anywhere on the page, except while typing. */
export function useKey(key: string, handler: () => unknown, enabled = true): void {
  const latest = useRef({ handler, enabled });
  latest.current = { handler, enabled };
  useLayoutEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!latest.current.enabled || event.defaultPrevented || hasModifier(event) || isTypingTarget(event.target) || pageKeysQuiet(event.target) || singleKeysOff(event)) return;
      if (event.key.toLowerCase() !== key) return;
      if (latest.current.handler() !== false) event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [key]);
}
