import { pageKeysQuiet, isTypingTarget, singleKeysOff } from '../../lib/keyboard';

/**
 * P plays or pauses a subject's recording from anywhere on the page (Alt + P also while typing, as the image keys do);
 * never inside a dialog, never with Ctrl or Cmd.
 */
export function isPlayPauseKey(event: KeyboardEvent): boolean {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || pageKeysQuiet(event.target)) return false;
  if (event.altKey) return event.code === 'KeyP';
  if (isTypingTarget(event.target) || singleKeysOff(event)) return false;
  return event.key === 'p' || event.key === 'P';
}
