import i18next, { type TFunction } from 'i18next';
import { type Mark, MOST_MARKS } from '@chorus/tasks';
import de from '../src/i18n/de.json';
import en from '../src/i18n/en.json';
import fr from '../src/i18n/fr.json';
import { centreOf, cornerOf, explainMarking, LEAST_SIDE, movedMark, NO_MARK_HISTORY, resizedMark, stepHistory, type Task, uprightMatrix, viewMatrix, withChange } from '../src/tasks/marking/marks';

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
    ['fr', 'Penguin : au moins 2 marques (vous en avez 1).'],
    ['de', 'Penguin: mindestens 2 Markierungen (Sie haben 1).'],
  ])('names the tool, its least and the count (%s)', async (lng, said) => {
    expect(explainMarking(TASK, undefined, await translator(lng), penguins(1))).toBe(said);
  });

  it.each([
    ['en', `At most ${MOST_MARKS} marks in all; remove one first.`],
    ['fr', `${MOST_MARKS} marques au plus en tout ; retirez-en une d’abord.`],
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

  it('undoes and redoes changes in turn, and forgets them when the marks changed otherwise', () => {
    const none: Mark[] = [];
    const one: Mark[] = [{ tool: 'penguin', x: 1, y: 2 }];
    const moved: Mark[] = [{ tool: 'penguin', x: 5, y: 2 }];
    let history = withChange(NO_MARK_HISTORY, { before: none, after: one, words: 'Placed.' });
    history = withChange(history, { before: one, after: moved, words: 'Moved.' });
    const undone = stepHistory(history, moved, false)!;
    expect(undone.marks).toBe(one);
    expect(undone.change.words).toBe('Moved.');
    const twice = stepHistory(undone.history, one, false)!;
    expect(twice.marks).toBe(none);
    expect(stepHistory(twice.history, none, false)).toBeUndefined();
    const redone = stepHistory(twice.history, none, true)!;
    expect(redone.marks).toBe(one);
    // A new change: nothing left to redo.
    expect(withChange(redone.history, { before: one, after: none, words: 'Removed.' }).undone).toEqual([]);
    // The marks are not what the last change left (another tab's draft, say): nothing is undone.
    expect(stepHistory(history, [...moved], false)).toBeUndefined();
  });
});
