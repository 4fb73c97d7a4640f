import { runsOf, wordsOf } from '../src/tasks/close-reading/passage';

/** The passage as the evidence picker lays it out: runs in brackets, the text between them as it is. */
const laidOut = (text: string) =>
  runsOf(text, wordsOf(text))
    .map((part) => (typeof part === 'string' ? part : `[${part.lead}<${part.word.text}>${part.trail}]`))
    .join('');

describe('the runs of a close reading’s passage', () => {
  it('keep the marks written against a word with it, so that no line starts with a stop or ends with a bracket', () => {
    expect(laidOut('Apply at 12 Mill Street.')).toBe('[<Apply>] [<at>] [<12>] [<Mill>] [<Street>.]');
    expect(laidOut('“A coach,” he said (twice).')).toBe('[“<A>] [<coach>,”] [<he>] [<said>] [(<twice>).]');
  });

  it('keep every space and line break between them, and words joined by a mark stay two runs', () => {
    expect(laidOut('  première ligne\r\n\r\nseconde — fin ')).toBe('  [<première>] [<ligne>]\r\n\r\n[<seconde>] — [<fin>] ');
    expect(laidOut('one/two')).toBe('[<one>/][<two>]');
  });

  it('give back the whole passage, in order, whatever ends it', () => {
    const joined = (text: string) => runsOf(text, wordsOf(text)).map((part) => (typeof part === 'string' ? part : part.lead + part.word.text + part.trail)).join('');
    for (const text of ['(WANTED): a steady boy, “to drive” a carriage!', 'To be continued …', 'end —', '—', '', ' … ']) expect(joined(text)).toBe(text);
    expect(laidOut('To be continued …')).toBe('[<To>] [<be>] [<continued>] …');
  });
});
