import { pageKeysQuiet, isTypingTarget, singleKeysOff } from '../../lib/keyboard';

export type ViewerAction = 'zoomIn' | 'zoomOut' | 'rotateRight' | 'rotateLeft' | 'invert' | 'brighter' | 'darker' | 'moreContrast' | 'lessContrast' | 'reset';

/** Plain keys (by the character typed), used when focus is not in a text field. */
const BY_KEY: Record<string, ViewerAction> = {
  '+': 'zoomIn',
  '=': 'zoomIn',
  '-': 'zoomOut',
  _: 'zoomOut',
  r: 'rotateRight',
  R: 'rotateLeft',
  i: 'invert',
  I: 'invert',
  b: 'brighter',
  B: 'darker',
  c: 'moreContrast',
  C: 'lessContrast',
  '0': 'reset',
};

/** Alt + key (by the physical key, since Alt changes the character on a Mac), which also works while typing. */
function byCode(code: string, shift: boolean): ViewerAction | undefined {
  switch (code) {
    case 'Equal':
    case 'NumpadAdd':
      return 'zoomIn';
    case 'Minus':
    case 'NumpadSubtract':
      return 'zoomOut';
    case 'KeyR':
      return shift ? 'rotateLeft' : 'rotateRight';
    case 'KeyI':
      return 'invert';
    case 'KeyB':
      return shift ? 'darker' : 'brighter';
    case 'KeyC':
      return shift ? 'lessContrast' : 'moreContrast';
    case 'Digit0':
    case 'Numpad0':
      return 'reset';
    default:
      return undefined;
  }
}

/**
 * The image viewer action for a key press anywhere on the page (or, for a viewer in a region of its own keys, in
 * `region` only): a plain key unless the volunteer is typing (a transcription, say), Alt + the same key from anywhere.
 * Never inside a dialog, never with Ctrl or Cmd.
 */
export function viewerActionFor(event: KeyboardEvent, region: Element | null = null): ViewerAction | undefined {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || pageKeysQuiet(event.target, region)) return undefined;
  if (event.altKey) return byCode(event.code, event.shiftKey);
  if (isTypingTarget(event.target) || singleKeysOff(event)) return undefined;
  return Object.hasOwn(BY_KEY, event.key) ? BY_KEY[event.key] : undefined;
}

/** Alt + [ and Alt + ] or plain [ and ]: the previous and next page of a subject with several locations. */
export function pageStepFor(event: KeyboardEvent): -1 | 1 | undefined {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || pageKeysQuiet(event.target)) return undefined;
  if (!event.altKey && (isTypingTarget(event.target) || singleKeysOff(event))) return undefined;
  const key = event.altKey ? event.code : event.key;
  if (key === '[' || key === 'BracketLeft') return -1;
  if (key === ']' || key === 'BracketRight') return 1;
  return undefined;
}
