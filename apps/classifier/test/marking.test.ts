import i18next, { type TFunction } from 'i18next';
import { MOST_MARKS } from '@chorus/tasks';
import de from '../src/i18n/de.json';
import en from '../src/i18n/en.json';
import fr from '../src/i18n/fr.json';
import { explainMarking, type Task } from '../src/tasks/marking/marks';

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
