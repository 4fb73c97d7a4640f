/**
 * The transcription editor's undo history. The browser's own undo cannot serve: it knows nothing of a value the page
 * set (a line split or joined, lines pasted, a text tag), and its history is the whole page's, so after such an edit
 * its undo and redo rewrite other lines. The editor keeps every change itself, typing included.
 */

/** A field of the editor (a line, or the one text area) and the selection in it. */
export interface Caret {
  index: number;
  start: number;
  end: number;
}

/** One change of the text, with the caret before and after it. */
export interface Change {
  before: string;
  after: string;
  caretBefore: Caret;
  caretAfter: Caret;
  /** Typed (not an edit of the editor's own), last at this time: typing on in the same field without a pause joins it. */
  typedAt?: number;
}

export interface History {
  done: Change[];
  undone: Change[];
}

export const NO_HISTORY: History = { done: [], undone: [] };

/** Changes kept to undo: enough for a volunteer's run of Ctrl+Z. */
const KEPT = 100;
/** A pause in typing that ends one change to undo and starts the next. */
export const TYPING_PAUSE_MS = 1_000;

/** The history with `change` done (typing in the field of the typing just before, without a pause, joins it). */
export function record(history: History, change: Change): History {
  const last = history.done.at(-1);
  const joins =
    change.typedAt !== undefined &&
    last?.typedAt !== undefined &&
    last.after === change.before &&
    last.caretAfter.index === change.caretBefore.index &&
    change.typedAt - last.typedAt < TYPING_PAUSE_MS;
  const done = joins ? [...history.done.slice(0, -1), { ...last, after: change.after, caretAfter: change.caretAfter, typedAt: change.typedAt }] : [...history.done, change];
  return { done: done.slice(-KEPT), undone: [] };
}

/**
 * Undoes (or, `redo`, redoes) the last change, when `text` is what it left: the text and caret to show, and the
 * history after. Undefined when there is nothing to undo, or the text changed in a way the history does not know
 * (a draft restored, say), which then starts the history afresh.
 */
export function step(history: History, text: string, redo: boolean): { history: History; text: string; caret: Caret } | { history: History } {
  const [from, to] = redo ? (['undone', 'done'] as const) : (['done', 'undone'] as const);
  const change = history[from].at(-1);
  if (!change) return { history };
  if ((redo ? change.before : change.after) !== text) return { history: NO_HISTORY };
  const { typedAt: _, ...settled } = change; // an undone typing is not joined again
  const [left, moved] = [history[from].slice(0, -1), [...history[to], settled]];
  const next: History = redo ? { done: moved, undone: left } : { done: left, undone: moved };
  return redo ? { history: next, text: change.after, caret: change.caretAfter } : { history: next, text: change.before, caret: change.caretBefore };
}
