import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import { singleKeysOn } from './singleKeys';

/** True for a key press that a page-wide single-key shortcut would take, while the volunteer has turned those off. */
export function singleKeysOff(event: KeyboardEvent): boolean {
  return !hasModifier(event) && !singleKeysOn();
}

/** True when a key press belongs to the focused control (typing in a field, pressing a button or link). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['radio', 'checkbox', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

/**
 * True when Enter on this element already does something (activates a button, follows a link, opens a summary, or
 * presses a button of a media player's own controls, which report the player as the target).
 */
export function hasOwnEnterAction(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (isTypingTarget(target) || target instanceof HTMLMediaElement) return true;
  return target.closest('button, a[href], summary, [role="button"], input[type="submit"], input[type="button"]') !== null;
}

/** Ctrl+Z (Cmd+Z on a Mac): undo, in an editor keeping its own history. */
export const isUndo = (event: { ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean; key: string }) => (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'z';
/** Ctrl+Shift+Z (Cmd+Shift+Z on a Mac) or Ctrl+Y: redo. Not Cmd+Y, a Mac browser's History. */
export const isRedo = (event: { ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean; key: string }) =>
  !event.altKey && (((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'z') || (event.ctrlKey && !event.metaKey && !event.shiftKey && event.key.toLowerCase() === 'y'));

/** Ctrl+Enter (Cmd+Enter on a Mac), not while an input method composes: sends what a text area holds, as its form's button does. */
export const isSendKey = (event: ReactKeyboardEvent) => event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && !event.nativeEvent.isComposing;

export function hasModifier(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey || event.altKey;
}

/** True while a modal dialog is open: the page beneath it is out of reach, wherever focus has gone (`<body>` too). */
function modalOpen(): boolean {
  return document.querySelector('dialog:modal') !== null;
}

/**
 * True while a modal dialog is open, or for a key pressed in a dialog or an in-page form with keys of its own
 * (`data-own-keys`): every page-wide shortcut stays quiet then. A shortcut of such a region (`region`) is quiet for a
 * key pressed anywhere but in it.
 */
export function pageKeysQuiet(target: EventTarget | null, region: Element | null = null): boolean {
  return modalOpen() || (target instanceof Element ? target.closest('dialog, [data-own-keys]') : null) !== region;
}
