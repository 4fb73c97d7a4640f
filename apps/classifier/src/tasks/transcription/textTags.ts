/** A field's text after an edit of its selection, and where its selection goes. */
export interface SelectionChange {
  text: string;
  selectionStart: number;
  selectionEnd: number;
}

/**
 * Wraps [start, end) of `text` in `[tag]…[/tag]`, leaving out spaces at either end of the selection (a tag that
 * touched the next word would join it to that word); returns the new text and where the caret goes.
 */
export function wrapWithTag(text: string, start: number, end: number, tag: string): SelectionChange {
  const open = `[${tag}]`;
  const close = `[/${tag}]`;
  let [from, to] = start <= end ? [start, end] : [end, start];
  while (from < to && /\s/.test(text[from]!)) from++;
  while (to > from && /\s/.test(text[to - 1]!)) to--;
  const wrapped = text.slice(0, from) + open + text.slice(from, to) + close + text.slice(to);
  // Nothing selected: the caret goes between the tags, ready to type; otherwise after the closing tag, so that what
  // is typed next (Enter for a new line, too) goes on after the tagged words rather than replacing them.
  const caret = from === to ? from + open.length : to + open.length + close.length;
  return { text: wrapped, selectionStart: caret, selectionEnd: caret };
}

/** True for Ctrl+Shift+1…9 (Cmd on a Mac): the shortcut that wraps the selection in the Nth text tag. */
export function tagShortcutIndex(event: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean; code: string }): number | undefined {
  if (!(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey) return undefined;
  const match = /^Digit([1-9])$/.exec(event.code);
  return match ? Number(match[1]) - 1 : undefined;
}

/** Puts `inserted` in place of [start, end) of `text` (at the caret, when nothing is selected), the caret after it. */
export function replaceSelection(text: string, start: number, end: number, inserted: string): SelectionChange {
  const [from, to] = start <= end ? [start, end] : [end, start];
  const caret = from + inserted.length;
  return { text: text.slice(0, from) + inserted + text.slice(to), selectionStart: caret, selectionEnd: caret };
}
