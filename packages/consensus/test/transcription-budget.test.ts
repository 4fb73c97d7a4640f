import { workflowDefinitionSchema } from '@chorus/tasks';
import { TRANSCRIPTION_WORK_CELLS_EACH, WorkBudget, reduceSubject, seededRandom, transcriptionConsensus, words } from '../src';

const MAX_LENGTH = 20_000; // a transcription task's default `maxLength`

function randomWord(next: () => number, length = 3 + Math.floor(next() * 7)): string {
  return Array.from({ length }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
}

/** A text of random words up to `length` characters, a line break every `perLine` words. */
function randomText(next: () => number, perLine = Infinity, length = MAX_LENGTH): string {
  let text = '';
  for (let i = 1; text.length < length - 10; i++) text += randomWord(next) + (i % perLine === 0 ? '\n' : ' ');
  return text.trim();
}

describe('transcription consensus: bounded work (round 13a F10)', () => {
  it('sets aside five dissimilar 20,000-character texts before aligning, within the work bound, and flags the result', () => {
    const next = seededRandom(1);
    const texts = Array.from({ length: 5 }, (_, i) => randomText(next, i % 2 ? 7 + i : Infinity));
    expect(texts.every((text) => text.length <= MAX_LENGTH && text.length > MAX_LENGTH - 20)).toBe(true);
    const budget = new WorkBudget(texts.length);
    const result = transcriptionConsensus(texts, { budget });
    expect(budget.used).toBeLessThanOrEqual(budget.limit);
    expect(budget.limit).toBe(5 * TRANSCRIPTION_WORK_CELLS_EACH);
    expect(result).toMatchObject({ transcriptions: 5, setAside: 4, lowConsensus: true });
    // The consensus is one of the texts (none is more like the others), each word agreed by one of five.
    expect(texts.map((text) => words(text).join(' '))).toContain(words(result.text).join(' '));
    expect(result.score).toBeCloseTo(0.2);
  });

  it('falls back to a flagged, cheaper consensus when texts alike enough to align would pass the budget, never throwing', () => {
    // One page's first 400 words (so the pairs of words they share pass the similarity check), then tails of random
    // one-letter and long words of very different lengths, which widen the alignment's band to the whole text.
    const next = seededRandom(2);
    const shared = Array.from({ length: 400 }, () => randomWord(next)).join(' ');
    const texts = Array.from({ length: 5 }, (_, i) => {
      let text = shared;
      while (text.length < MAX_LENGTH - 30) text += ` ${i % 2 ? String.fromCharCode(97 + Math.floor(next() * 26)) : randomWord(next, 25)}`;
      return text;
    });
    // A budget of a tenth of the default keeps the test quick; the default is spent the same way (bench/transcription.mjs).
    const budget = new WorkBudget(texts.length, TRANSCRIPTION_WORK_CELLS_EACH / 2);
    const result = transcriptionConsensus(texts, { budget });
    expect(result).toMatchObject({ overBudget: true, lowConsensus: true, transcriptions: 5 });
    expect(budget.exhausted).toBe(true);
    expect(budget.used).toBeLessThanOrEqual(budget.limit);
    // The shared words are in the consensus, agreed by all.
    expect(result.lines.flat().slice(0, 400).every((slot) => slot.agreement === 1)).toBe(true);
    // A budget spent already gives the cheaper consensus at once: a subject's replay and its consensus share one.
    const again = transcriptionConsensus(texts.slice(0, 3), { budget });
    expect(again).toMatchObject({ overBudget: true, lowConsensus: true });
  });

  it('still aligns long transcriptions of one page in full, however their lines break, and sets aside only the unlike', () => {
    const next = seededRandom(3);
    // About 350 words (over the 200 from which texts are aligned in a band and the unlike set aside), so the test is quick.
    const page = words(randomText(next, Infinity, 2_500));
    const copy = (volunteer: number) =>
      page
        .map((word, i) => (i % 97 === volunteer * 13 ? `${word}x` : word))
        .map((word, i) => word + ((i + volunteer) % (8 + volunteer) === 0 ? '\n' : ' '))
        .join('')
        .trim();
    const texts = [0, 1, 2, 3, 4].map(copy);
    const budget = new WorkBudget(texts.length);
    const result = transcriptionConsensus(texts, { budget });
    expect(result).toMatchObject({ overBudget: false, setAside: 0, transcriptions: 5 });
    expect(words(result.text)).toEqual(page);
    expect(budget.used).toBeLessThanOrEqual(budget.limit);
    // Two of other pages among three of this one: set aside, and counted as no word in every slot.
    const mixed = transcriptionConsensus([texts[0]!, randomText(next, 9, 2_500), texts[2]!, randomText(next, Infinity, 2_500), texts[4]!]);
    expect(mixed).toMatchObject({ overBudget: false, setAside: 2, transcriptions: 5 });
    expect(words(mixed.text)).toEqual(page);
    expect(Math.max(...mixed.lines.flat().map((slot) => slot.agreement))).toBe(3 / 5);
  });

  it('compares words longer than any word of a page whole, not letter by letter', () => {
    const next = seededRandom(4);
    const texts = Array.from({ length: 5 }, () => randomWord(next, MAX_LENGTH));
    const budget = new WorkBudget(texts.length);
    const result = transcriptionConsensus(texts, { budget });
    expect(result).toMatchObject({ lowConsensus: true, transcriptions: 5, overBudget: false });
    expect(budget.used).toBeLessThan(100);
  });

  it('shares one budget between the retirement replay and the consensus of a subject (reduceSubject, `work`)', () => {
    const definition = workflowDefinitionSchema.parse({
      name: 'Transcribe',
      firstTask: 'T0',
      tasks: { T0: { type: 'transcription', instruction: 'Type the page', mode: 'free' } },
    });
    const next = seededRandom(5);
    const shared = Array.from({ length: 400 }, () => randomWord(next)).join(' ');
    const records = Array.from({ length: 5 }, (_, i) => {
      let text = shared;
      while (text.length < MAX_LENGTH - 30) text += ` ${i % 2 ? 'a' : randomWord(next, 25)}`;
      return { id: `c${i}`, annotations: [{ task: 'T0', value: text }], countsTowardRetirement: true };
    });
    const work = new WorkBudget(records.length, TRANSCRIPTION_WORK_CELLS_EACH / 2);
    const [consensus] = reduceSubject(definition, records, { work });
    expect(consensus!.result).toMatchObject({ overBudget: true, lowConsensus: true });
    expect(work.used).toBeLessThanOrEqual(work.limit);
  });

  it('writes the typed spelling of the transcription it keeps when the alignment would pass its work budget', () => {
    // Alike as compared, the one kept is the longest whichever came first.
    for (const texts of [['ภาษา\u200bไทย ❤\ufe0f\u200f', 'ภาษาไทย ❤'], ['ภาษาไทย ❤', 'ภาษา\u200bไทย ❤\ufe0f\u200f']]) {
      const result = transcriptionConsensus(texts, { budget: Object.assign(new WorkBudget(2), { exhausted: true }) });
      expect(result.overBudget).toBe(true);
      expect(result.text).toBe('ภาษา\u200bไทย ❤\ufe0f');
      expect(result.lines[0]!.map((slot) => slot.agreement)).toEqual([1, 1]);
    }
  });
});
