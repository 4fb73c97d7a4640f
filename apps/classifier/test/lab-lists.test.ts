import { listedSubjects, prioritiesListed, subjectNamed } from '../src/lib/subjectLists';

/** The lab's lists of subjects, as a researcher types or pastes them, read as the API is asked. */

describe('the lab’s lists of subjects', () => {
  it('takes one subject per line, or per cell of a pasted row, never splitting an external_id at its comma', () => {
    expect(listedSubjects('Box 3, f. 2\n\n  p9  \np10\tp11\np9')).toEqual([
      { text: 'Box 3, f. 2', line: 1 },
      { text: 'p9', line: 3 },
      { text: 'p10', line: 4 },
      { text: 'p11', line: 4 },
    ]);
  });

  it('reads each subject as the API reads an externalId, so one typed twice, decomposed or with a direction mark, is taken once', () => {
    expect(listedSubjects(`أمر-١\n\u200F${'أمر-١'.normalize('NFD')}\u200F\nرسالة-012`)).toEqual([
      { text: 'أمر-١', line: 1 },
      { text: 'رسالة-012', line: 3 },
    ]);
    expect(prioritiesListed('أمر-١\u200F, 2').listed).toEqual([{ text: 'أمر-١', line: 1, priority: 2 }]);
  });

  it('reads a priority after the last comma, semicolon or tab of its line, and refuses a line whose priority follows a space alone, or a subject given a second priority', () => {
    const { listed, problems } = prioritiesListed('Box 3, f. 2, 5\np4;-1\npage 7\np5\t2.5\np4, 3');
    expect(listed).toEqual([
      { text: 'Box 3, f. 2', line: 1, priority: 5 },
      { text: 'p4', line: 2, priority: -1 },
      { text: 'p5', line: 4, priority: 2.5 },
    ]);
    expect(problems).toEqual([{ line: 3 }, { line: 5, text: 'p4', first: 2 }]);
  });

  it('sends a Chorus id as a subjectId and anything else as an externalId', () => {
    expect(subjectNamed({ text: '0B5A4A8E-3F1C-4A57-9D43-2F0E7C1D9A11', line: 1 })).toEqual({ subjectId: '0b5a4a8e-3f1c-4a57-9d43-2f0e7c1d9a11' });
    expect(subjectNamed({ text: 'Box 3, f. 2', line: 1 })).toEqual({ externalId: 'Box 3, f. 2' });
  });
});
