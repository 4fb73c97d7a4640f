import { type Change, NO_HISTORY, TYPING_PAUSE_MS, record, step } from '../src/tasks/transcription/history';

const at = (index: number, start: number) => ({ index, start, end: start });
const typing = (before: string, after: string, index: number, typedAt: number): Change => ({
  before,
  after,
  caretBefore: at(index, before.length),
  caretAfter: at(index, after.length),
  typedAt,
});

describe("the transcription editor's undo history", () => {
  it('undoes a burst of typing in one field as one change, and a pause, another field or an edit starts the next', () => {
    let history = record(NO_HISTORY, typing('', 'a', 0, 0));
    history = record(history, typing('a', 'ab', 0, 300));
    history = record(history, typing('ab', 'abc', 0, 300 + TYPING_PAUSE_MS));
    history = record(history, { before: 'abc', after: 'abc\n', caretBefore: at(0, 3), caretAfter: at(1, 0) });
    history = record(history, typing('abc\n', 'abc\nd', 1, 2_000));
    expect(history.done.map((change) => change.after)).toEqual(['ab', 'abc', 'abc\n', 'abc\nd']);

    const undone: string[] = [];
    let text = 'abc\nd';
    for (let i = 0; i < 5; i++) {
      const stepped = step(history, text, false);
      history = stepped.history;
      if (!('text' in stepped)) continue;
      text = stepped.text;
      undone.push(text);
    }
    expect(undone).toEqual(['abc\n', 'abc', 'ab', '']);
    const stepped = step(history, text, true);
    expect(stepped).toMatchObject({ text: 'ab', caret: at(0, 2) });
  });

  it('forgets what it cannot undo: a text changed in a way it does not know', () => {
    const history = record(NO_HISTORY, typing('', 'a', 0, 0));
    expect(step(history, 'restored draft', false)).toEqual({ history: NO_HISTORY });
  });

  it('forgets what was undone once something new is done', () => {
    let history = record(NO_HISTORY, typing('', 'a', 0, 0));
    history = step(history, 'a', false).history;
    expect(history.undone).toHaveLength(1);
    history = record(history, typing('', 'z', 0, 5_000));
    expect(history.undone).toEqual([]);
  });
});
