import i18next, { type TFunction } from 'i18next';
import { type Mark, MOST_MARKS } from '@chorus/tasks';
import de from '../src/i18n/de.json';
import en from '../src/i18n/en.json';
import fr from '../src/i18n/fr.json';
import { isRedo, isUndo } from '../src/lib/keyboard';
import { CORNERS, centreOf, cornerOf, explainMarking, LEAST_SIDE, movedMark, NO_MARK_HISTORY, resizeCursor, resizedMark, screenBottomRight, stepHistory, type Task, uprightMatrix, viewMatrix, withChange, withMarkEdited } from '../src/tasks/marking/marks';

/** A marking task's refusals in the volunteer's words, in each language: none of the server's English. */

const TASK: Task = {
  type: 'marking',
  instruction: 'Mark each penguin.',
  tools: [
    { key: 'penguin', label: 'Penguin', shape: 'point', min: 2 },
    { key: 'sign', label: 'Sign', shape: 'rectangle' },
  ],
};

async function translator(lng: string): Promise<TFunction> {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { en: { translation: en }, fr: { translation: fr }, de: { translation: de } }, interpolation: { escapeValue: false } });
  return i18n.t;
}

describe('marking task refusals', () => {
  const penguins = (n: number) => Array.from({ length: n }, (_, i) => ({ tool: 'penguin', x: i, y: i }));

  it.each([
    ['en', 'Penguin: at least 2 marks (you have 1).'],
    ['fr', 'Penguin\u00a0: au moins 2 marques (vous en avez 1).'],
    ['de', 'Penguin: mindestens 2 Markierungen (Sie haben 1).'],
  ])('names the tool, its least and the count (%s)', async (lng, said) => {
    expect(explainMarking(TASK, undefined, await translator(lng), penguins(1))).toBe(said);
  });

  it.each([
    ['en', `At most ${MOST_MARKS} marks in all; remove one first.`],
    ['fr', `${MOST_MARKS} marques au plus en tout\u202f; retirez-en une d’abord.`],
    ['de', `Höchstens ${MOST_MARKS} Markierungen insgesamt; entfernen Sie zuerst eine.`],
  ])('says more marks than any answer may hold in the volunteer’s language (%s)', async (lng, said) => {
    expect(explainMarking(TASK, undefined, await translator(lng), penguins(MOST_MARKS + 1))).toBe(said);
  });
});

describe('editing marks', () => {
  const IMAGE = { width: 800, height: 600 };
  const sign = { tool: 'sign', x: 100, y: 100, width: 200, height: 100 };

  it('moves a mark by pixels of the image, keeping it whole on the image', () => {
    expect(movedMark({ tool: 'penguin', x: 10, y: 20 }, { x: 5.04, y: -3 }, IMAGE)).toEqual({ tool: 'penguin', x: 15, y: 17 });
    expect(movedMark({ tool: 'penguin', x: 10, y: 20 }, { x: -50, y: 900 }, IMAGE)).toEqual({ tool: 'penguin', x: 0, y: 600 });
    expect(movedMark(sign, { x: 1000, y: -1000 }, IMAGE)).toEqual({ ...sign, x: 600, y: 0 });
  });

  it('resizes a rectangle by a corner, the opposite one staying put, never turning it over nor off the image', () => {
    expect(resizedMark(sign, 'bottomRight', { x: 350, y: 250 }, IMAGE)).toEqual({ ...sign, width: 250, height: 150 });
    expect(resizedMark(sign, 'topLeft', { x: 50, y: 80 }, IMAGE)).toEqual({ tool: 'sign', x: 50, y: 80, width: 250, height: 120 });
    expect(resizedMark(sign, 'topRight', { x: 900, y: -40 }, IMAGE)).toEqual({ tool: 'sign', x: 100, y: 0, width: 700, height: 200 });
    // Past the opposite corner: stopped LEAST_SIDE short of it.
    expect(resizedMark(sign, 'bottomLeft', { x: 500, y: 20 }, IMAGE)).toEqual({ tool: 'sign', x: 300 - LEAST_SIDE, y: 100, width: LEAST_SIDE, height: LEAST_SIDE });
    expect(cornerOf(sign, 'bottomLeft')).toEqual({ x: 100, y: 200 });
    expect(centreOf(sign)).toEqual({ x: 200, y: 150 });
  });

  it('reads the view as one matrix, and the matrix that keeps a glyph upright', () => {
    // Zoomed 2×, turned a quarter right, panned: (x, y) of the image is at (300 − 2y, 10 + 2x).
    const toElement = ({ x, y }: { x: number; y: number }) => ({ x: 300 - 2 * y, y: 10 + 2 * x });
    const view = viewMatrix(toElement, 800);
    expect(view).toEqual([0, 2, -2, 0, 300, 10]);
    const [a, b, c, d] = view;
    const [p, q, r, s] = uprightMatrix(view);
    // The view's turn and zoom times the upright matrix: none left.
    expect([a * p + c * q, b * p + d * q, a * r + c * s, b * r + d * s].map((n) => n + 0)).toEqual([1, 0, 0, 1]);
  });

  it('gives each corner handle the cursor of the way a drag of it resizes on screen, as the view turns it', () => {
    /** The view zoomed 2× and turned `quarters` quarter turns right (as the viewer turns), panned, and flipped across if asked. */
    const turned = (quarters: number, flipped = false) => {
      const angle = (quarters * Math.PI) / 2;
      const [cos, sin] = [Math.round(Math.cos(angle)), Math.round(Math.sin(angle))];
      const across = flipped ? -1 : 1;
      return viewMatrix(({ x, y }) => ({ x: 300 + across * 2 * (cos * x - sin * y), y: 10 + 2 * (sin * x + cos * y) }), 800);
    };
    const cursors = (view: readonly number[]) => CORNERS.map((corner) => resizeCursor(corner, view));
    // In the order of CORNERS: top left, top right, bottom right, bottom left.
    expect(cursors(turned(0))).toEqual(['nwse-resize', 'nesw-resize', 'nwse-resize', 'nesw-resize']);
    // A quarter right: the image's top left is at the screen's top right.
    expect(cursors(turned(1))).toEqual(['nesw-resize', 'nwse-resize', 'nesw-resize', 'nwse-resize']);
    expect(cursors(turned(2))).toEqual(['nwse-resize', 'nesw-resize', 'nwse-resize', 'nesw-resize']);
    expect(cursors(turned(3))).toEqual(['nesw-resize', 'nwse-resize', 'nesw-resize', 'nwse-resize']);
    expect(cursors(turned(-1))).toEqual(cursors(turned(3)));
    expect(cursors(turned(0, true))).toEqual(['nesw-resize', 'nwse-resize', 'nesw-resize', 'nwse-resize']);
    // An eighth of a turn: the top left corner is dragged straight up and down, the top right across.
    const eighth = viewMatrix(({ x, y }) => ({ x: Math.SQRT1_2 * (x - y), y: Math.SQRT1_2 * (x + y) }), 800);
    expect(cursors(eighth)).toEqual(['ns-resize', 'ew-resize', 'ns-resize', 'ew-resize']);
    // The corner Alt and the arrows take: the one at the screen's bottom right, by the same reading of the view.
    expect([0, 1, 2, 3].map((quarters) => screenBottomRight(turned(quarters)))).toEqual(['bottomRight', 'topRight', 'topLeft', 'bottomLeft']);
  });

  it('undoes and redoes changes in turn, and forgets them when the marks changed otherwise', () => {
    const none: Mark[] = [];
    const one: Mark[] = [{ tool: 'penguin', x: 1, y: 2 }];
    const moved: Mark[] = [{ tool: 'penguin', x: 5, y: 2 }];
    let history = withChange(NO_MARK_HISTORY, { before: none, after: one, words: 'Placed.' });
    history = withChange(history, { before: one, after: moved, words: 'Moved.' });
    const undone = stepHistory(history, moved, false).step!;
    expect(undone.marks).toBe(one);
    expect(undone.change.words).toBe('Moved.');
    const afterUndo = stepHistory(history, moved, false).history;
    const twice = stepHistory(afterUndo, one, false);
    expect(twice.step!.marks).toBe(none);
    expect(stepHistory(twice.history, none, false)).toEqual({ history: twice.history });
    const redone = stepHistory(twice.history, none, true);
    expect(redone.step!.marks).toBe(one);
    // A new change: nothing left to redo.
    expect(withChange(redone.history, { before: one, after: none, words: 'Removed.' }).undone).toEqual([]);
    // The marks are not what the last change left (another tab's draft, say): nothing is undone, the history forgotten.
    expect(stepHistory(history, [...moved], false)).toEqual({ history: NO_MARK_HISTORY });
  });

  it('keeps the history when there is nothing to redo (or undo)', () => {
    const one: Mark[] = [{ tool: 'penguin', x: 1, y: 2 }];
    const history = withChange(NO_MARK_HISTORY, { before: [], after: one, words: 'Placed.' });
    const redo = stepHistory(history, one, true);
    expect(redo.step).toBeUndefined();
    expect(redo.history).toBe(history);
    expect(stepHistory(redo.history, one, false).step!.marks).toEqual([]);
  });

  it('makes one change of a run of key edits of one mark, and none of an edit that changes nothing', () => {
    const at = (x: number): Mark[] => [{ tool: 'penguin', x, y: 2 }];
    const [a, b, c, d] = [at(1), at(2), at(3), at(4)];
    let history = withChange(NO_MARK_HISTORY, { before: a, after: b, words: 'Moved to 2.', series: 'keys 0 1' });
    history = withChange(history, { before: b, after: c, words: 'Moved to 3.', series: 'keys 0 1' });
    expect(history.done).toEqual([{ before: a, after: c, words: 'Moved to 3.', series: 'keys 0 1' }]);
    // Once the keys rested (another series), or after another change, a change of its own.
    history = withChange(history, { before: c, after: d, words: 'Moved to 4.', series: 'keys 0 2' });
    expect(history.done.map((change) => change.words)).toEqual(['Moved to 3.', 'Moved to 4.']);
    expect(stepHistory(history, d, false).step!.marks).toBe(c);
    // At the image's edge, or at its least side: nothing to record.
    expect(withMarkEdited(a, 0, { tool: 'penguin', x: 1, y: 2 })).toBeUndefined();
    expect(withMarkEdited(a, 0, { tool: 'penguin', x: 1, y: 3 })).toEqual([{ tool: 'penguin', x: 1, y: 3 }]);
  });

  it('takes Ctrl+Y to redo, but not Cmd+Y (a Mac’s History)', () => {
    const key = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }>) => ({ ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, key, ...mods });
    expect(isRedo(key('y', { ctrlKey: true }))).toBe(true);
    expect(isRedo(key('y', { metaKey: true }))).toBe(false);
    expect(isRedo(key('z', { metaKey: true, shiftKey: true }))).toBe(true);
    expect(isUndo(key('z', { metaKey: true }))).toBe(true);
  });
});
