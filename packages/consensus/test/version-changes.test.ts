import { workflowDefinitionSchema } from '@chorus/tasks';
import { changesConsensus, versionChangeWarnings, versionChanges } from '../src';

const workflow = (input: object) => workflowDefinitionSchema.parse({ name: 'W', firstTask: 'T0', ...input });
const before = workflow({
  tasks: {
    T0: { type: 'single', question: 'Advert?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }, { value: 'maybe', label: 'Maybe' }] },
    T1: { type: 'multiple', question: 'Which?', answers: [{ value: 'sale', label: 'Sale' }, { value: 'work', label: 'Work' }], next: 'T2' },
    T2: { type: 'transcription', instruction: 'Type it' },
  },
  retirement: { rule: 'count', count: 5 },
});

describe('a new version of a classified workflow', () => {
  it('needs its subjects computed again when its tasks, rules or effects change, not when only its words or serving do', () => {
    const T0 = before.tasks.T0 as Extract<(typeof before.tasks)[string], { type: 'single' }>;
    const reworded = workflow({
      name: 'Renamed',
      tutorial: [{ title: 'Hello', body: 'Read the notice.' }],
      selection: { order: 'priority' },
      feedback: true,
      tasks: {
        ...before.tasks,
        T0: { ...T0, question: 'Is it a paid notice?', help: 'Look for a price.', answers: T0.answers.map((answer) => ({ ...answer, label: answer.label.toUpperCase() })) },
        T2: { type: 'transcription', instruction: 'Copy every word' },
      },
      retirement: before.retirement,
    });
    expect(changesConsensus(before, reworded)).toBe(false);
    expect(changesConsensus(before, workflow({ ...before, retirement: { rule: 'count', count: 6 } }))).toBe(true);
    // Naming the answer an agreement rule retires on changes which subjects retire.
    const agreement = { rule: 'agreement', task: 'T0', minimum: 3, threshold: 1, maximum: 15 };
    expect(changesConsensus(workflow({ ...before, retirement: agreement }), workflow({ ...before, retirement: { ...agreement, answer: 'no' } }))).toBe(true);
    // The consensus download names the training set's subjects.
    expect(changesConsensus(before, workflow({ ...before, selection: { training: { subjectSetId: '7f9f4a6e-4c55-4b8e-9a2e-2f6c0c8f0a11', classifications: 5 } } }))).toBe(true);
    expect(changesConsensus(before, workflow({ ...before, tasks: { ...before.tasks, T0: { ...T0, algorithm: 'vote' } } }))).toBe(true);
    expect(changesConsensus(before, workflow({ ...before, tasks: { ...before.tasks, T0: { ...T0, answers: T0.answers.slice(0, 2) } } }))).toBe(true);
    expect(changesConsensus(before, workflow({ ...before, tasks: { ...before.tasks, T2: { type: 'transcription', instruction: 'Type it', textTags: ['unclear'] } } }))).toBe(true);
  });

  it('says nothing of a new wording or a new single-choice answer', () => {
    const T0 = before.tasks.T0 as Extract<(typeof before.tasks)[string], { type: 'single' }>;
    const reworded = workflow({ tasks: { ...before.tasks, T0: { ...T0, question: 'Is it a paid notice?', answers: [...T0.answers, { value: 'lost', label: 'Lost' }] } } });
    expect(versionChangeWarnings(before, reworded)).toEqual([]);
  });

  it('says that a rule asking for more leaves the subjects retired already as they are', () => {
    const more = workflow({ tasks: before.tasks, retirement: { rule: 'count', count: 7 } });
    expect(versionChangeWarnings(before, more)).toEqual([
      { pointer: '/retirement', message: expect.stringMatching(/^asks for up to 7 classifications where it asked for \d+: subjects retired already stay retired/) },
    ]);
  });

  it('says nothing of limits set for new answers, which answers given so far are not held to, nor computes anything again for them', () => {
    const tasks = {
      M: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], next: 'T' },
      T: { type: 'transcription', instruction: 'Type it', next: 'C' },
      C: { type: 'close-reading', question: 'Sense?', senses: [{ value: 'v', label: 'Vehicle' }], allowUnsure: true, evidence: 'optional', next: 'G' },
      G: { type: 'tagging', instruction: 'Tag', vocabulary: ['stamp'], allowFreeTags: false },
    };
    const limited = {
      M: { ...tasks.M, minChoices: 1, maxChoices: 1 },
      T: { ...tasks.T, maxLength: 20, mode: 'free' },
      C: { ...tasks.C, allowUnsure: false, evidence: 'none' },
      G: { ...tasks.G, maxTags: 1 },
    };
    const [earlier, later] = [workflow({ firstTask: 'M', tasks }), workflow({ firstTask: 'M', tasks: limited })];
    expect(versionChangeWarnings(earlier, later)).toEqual([]);
    expect(changesConsensus(earlier, later)).toBe(false);
    for (const key of Object.keys(tasks) as (keyof typeof tasks)[]) {
      expect(changesConsensus(earlier, workflow({ firstTask: 'M', tasks: { ...tasks, [key]: limited[key] } }))).toBe(false);
    }
    // What answers given so far are read by still counts, beside the limits.
    expect(changesConsensus(earlier, workflow({ firstTask: 'M', tasks: { ...limited, G: { ...limited.G, allowFreeTags: true } } }))).toBe(true);
    expect(changesConsensus(earlier, workflow({ firstTask: 'M', tasks: { ...limited, M: { ...limited.M, answers: limited.M.answers.slice(0, 1) } } }))).toBe(true);
    expect(changesConsensus(earlier, workflow({ firstTask: 'M', tasks: { ...limited, C: { ...limited.C, senses: [...limited.C.senses, { value: 'p', label: 'Person' }] } } }))).toBe(true);
    expect(changesConsensus(earlier, workflow({ firstTask: 'M', tasks: { ...limited, T: { ...limited.T, textTags: ['unclear'] } } }))).toBe(true);
  });

  it('names what counts otherwise of the answers given to each type of task', () => {
    const tasks = (answers: string[], senses: string[], textTags: string[], tagging: object) => ({
      M: { type: 'multiple', question: 'Which?', answers: answers.map((value) => ({ value, label: value })), next: 'C' },
      C: { type: 'close-reading', question: 'Sense?', senses: senses.map((value) => ({ value, label: value })), next: 'T' },
      T: { type: 'transcription', instruction: 'Type it', textTags, next: 'G' },
      G: { type: 'tagging', instruction: 'Tag', ...tagging },
    });
    const earlier = workflow({ firstTask: 'M', tasks: tasks(['a', 'b', 'c'], ['v', 'p'], ['unclear', 'deletion'], { vocabulary: ['stamp', 'twins'] }) });
    const later = workflow({ firstTask: 'M', tasks: tasks(['a', 'b', 'd'], ['v'], ['unclear', 'sic'], { vocabulary: ['stamp'], allowFreeTags: false }) });
    expect(versionChangeWarnings(earlier, later)).toEqual([
      { pointer: '/tasks/M', message: 'no longer offers "c": answers that chose it count in the consensus for the other answers they chose, and against the rest' },
      { pointer: '/tasks/M/answers/2', message: 'is new: answers given so far could not choose "d", and count against it in the consensus' },
      { pointer: '/tasks/C', message: 'no longer offers "p": answers that gave it stop counting in the consensus' },
      { pointer: '/tasks/T/textTags', message: 'no longer has "deletion": the consensus reads [deletion]…[/deletion] in transcriptions given so far as part of their words' },
      { pointer: '/tasks/T/textTags/1', message: 'is new: the consensus reads [sic]…[/sic] in transcriptions given so far as this tag, no longer as part of their words' },
      { pointer: '/tasks/G/allowFreeTags', message: "is false where free tags were allowed: tags given so far that are not in the vocabulary stop counting in the consensus (the vocabulary's tags of the same answers still count)" },
    ]);
  });

  it('names tags taken out of a closed vocabulary, and tags new to it, compared as consensus compares tags', () => {
    const tagging = (vocabulary: string[]) => workflow({ tasks: { T0: { type: 'tagging', instruction: 'Tag', vocabulary, allowFreeTags: false } } });
    expect(versionChangeWarnings(tagging(['stamp', 'twins', 'Foxing']), tagging(['foxing ', 'stamp', 'seal']))).toEqual([
      { pointer: '/tasks/T0/vocabulary', message: 'no longer has "twins": answers given so far count in the consensus without it, their other tags still counting' },
      { pointer: '/tasks/T0/vocabulary/2', message: 'is new: answers given so far could not apply "seal", and count against it in the consensus' },
    ]);
  });

  it('names answers no longer offered, tasks gone or of another type, and a rule that retires sooner', () => {
    const after = workflow({
      tasks: {
        T0: { type: 'single', question: 'Advert?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'notice', label: 'A notice' }] },
        T1: { type: 'transcription', instruction: 'Which?' },
      },
      retirement: { rule: 'count', count: 3 },
    });
    expect(versionChangeWarnings(before, after)).toEqual([
      { pointer: '/tasks/T0', message: 'no longer offers "no", "maybe": answers that gave them stop counting in the consensus' },
      {
        pointer: '/tasks/T0/algorithm',
        message: 'is "bayes" where it was "vote" ("bayes" is the default for two answers; give "algorithm": "vote" to keep "vote"): every subject\'s consensus is computed again with it, and may change, retiring subjects by it',
      },
      { pointer: '/tasks/T1/type', message: 'is "transcription" where it was "multiple": the answers given to the multiple task are no longer read' },
      { pointer: '/tasks', message: 'no longer has task "T2": its answers stay in the raw download and its consensus so far in the consensus download, but no consensus is computed for it again' },
      { pointer: '/retirement', message: expect.stringContaining('asks for at most 3 classifications where it asked for 5') },
    ]);
  });

  it('says "1 classification" when the rule now asks for one at most', () => {
    const count = (n: number) => workflow({ tasks: before.tasks, retirement: { rule: 'count', count: n } });
    expect(versionChangeWarnings(count(3), count(1))).toEqual([{ pointer: '/retirement', message: expect.stringMatching(/^asks for at most 1 classification where it asked for 3:/) }]);
  });

  it('names a single-choice task whose consensus method changes with its number of answers, unless it names its algorithm', () => {
    const yesNo = workflow({ tasks: { T0: { type: 'single', question: 'Advert?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } } });
    const withMaybe = workflow({ tasks: { T0: { ...yesNo.tasks.T0!, answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }, { value: 'maybe', label: 'Maybe' }] } } });
    expect(versionChangeWarnings(yesNo, withMaybe)).toEqual([
      { pointer: '/tasks/T0/algorithm', message: expect.stringMatching(/^is "vote" where it was "bayes" \("vote" is the default for more than two answers; give "algorithm": "bayes" to keep "bayes"\)/) },
    ]);
    const kept = workflow({ tasks: { T0: { ...withMaybe.tasks.T0!, algorithm: 'bayes' } } });
    expect(versionChangeWarnings(yesNo, kept)).toEqual([]);
  });

  it('says that changed effects move subjects between the sets they name, not when the effects only change order', () => {
    const [ads, notices, kept] = ['7f9f4a6e-4c55-4b8e-9a2e-2f6c0c8f0a11', '0b3e0a38-6c8b-4b0e-8f57-2a7b9c1d5e22', '5d2c1b7a-1e0f-4f3a-9b8c-7d6e5f4a3b33'];
    const routed = (effects: object[]) => workflow({ ...before, effects });
    const [yes, maybe] = [{ when: { task: 'T0', answer: 'yes' }, addToSubjectSet: ads }, { when: { task: 'T0', answer: 'maybe' }, addToSubjectSet: kept }];
    const surer = { when: { task: 'T0', answer: 'yes', agreementAtLeast: 0.9 }, addToSubjectSet: ads };
    const notice = { when: { task: 'T0', answer: 'no' }, addToSubjectSet: notices };
    expect(versionChangeWarnings(routed([yes, maybe]), routed([surer, maybe, notice]))).toEqual([
      { pointer: '/effects', message: expect.stringMatching(new RegExp(`^change how subjects are routed into subject sets ${ads}, ${notices}: every subject is routed again .* leaves the set it put it in`)) },
    ]);
    expect(versionChangeWarnings(routed([yes]), routed([]))).toEqual([{ pointer: '/effects', message: expect.stringMatching(new RegExp(`^change how subjects are routed into subject set ${ads}:`)) }]);
    // Named, where the names are known.
    expect(versionChangeWarnings(routed([yes]), routed([surer]), new Map([[ads, 'Ads']]))[0]?.message).toMatch(new RegExp(`^change how subjects are routed into subject set "Ads" \\(${ads}\\):`));
    expect(versionChangeWarnings(routed([yes, maybe]), routed([maybe, yes]))).toEqual([]);
    expect(versionChangeWarnings(routed([yes]), workflow({ ...routed([yes]), name: 'Renamed' }))).toEqual([]);
  });

  it('is not computed again when only what a tagging task shows of others’ tags changes', () => {
    const tagging = (proposedTags?: string) => workflow({ tasks: { T0: { type: 'tagging', instruction: 'Tag it', ...(proposedTags ? { proposedTags } : {}) } } });
    expect(changesConsensus(tagging(), tagging('after-own-tags'))).toBe(false);
    expect(changesConsensus(tagging('without-votes'), tagging('with-votes'))).toBe(false);
  });

  it('is not computed again when only a form field\'s limits for new answers (required, a length) change, but is when its kind does', () => {
    const form = (field: object) => workflow({ tasks: { T0: { type: 'fields', instruction: 'Copy it', fields: [{ key: 'name', label: 'Name', kind: 'text', ...field }] } } });
    expect(changesConsensus(form({}), form({ required: true, maxLength: 20 }))).toBe(false);
    expect(versionChanges(form({ maxLength: 20 }), form({ maxLength: 40 }))).toEqual({ fields: ['/tasks/T0'], consensus: false, warnings: [] });
    expect(changesConsensus(form({}), form({ kind: 'number' }))).toBe(true);
    expect(changesConsensus(form({}), form({ key: 'surname' }))).toBe(true);
  });

  it('is not computed again when only the suggested tags of an open vocabulary change, which consensus never reads', () => {
    const tagging = (vocabulary: string[], allowFreeTags = true) => workflow({ tasks: { T0: { type: 'tagging', instruction: 'Tag it', vocabulary, allowFreeTags } } });
    expect(changesConsensus(tagging(['Brother']), tagging(['Brother', 'Sister']))).toBe(false);
    expect(changesConsensus(tagging(['Brother', 'Sister']), tagging(['Sibling']))).toBe(false);
    expect(versionChanges(tagging(['Brother']), tagging(['Brother', 'Sister']))).toEqual({ fields: ['/tasks/T0'], consensus: false, warnings: [] });
    // A closed vocabulary is what answers given so far are read by: a tag taken out or added counts.
    expect(changesConsensus(tagging(['Brother', 'Sister'], false), tagging(['Brother'], false))).toBe(true);
    expect(changesConsensus(tagging(['Brother'], false), tagging(['Brother', 'Sister'], false))).toBe(true);
    expect(changesConsensus(tagging(['Brother']), tagging(['Brother'], false))).toBe(true);
    expect(changesConsensus(tagging(['Brother'], false), tagging(['Brother', 'Sister']))).toBe(true);
  });

  it('is not computed again when only the location a task opens on changes', () => {
    const transcription = (showLocation?: number) => workflow({ tasks: { T0: { type: 'transcription', instruction: 'Type it', ...(showLocation ? { showLocation } : {}) } } });
    expect(changesConsensus(transcription(), transcription(2))).toBe(false);
    expect(changesConsensus(transcription(2), transcription(1))).toBe(false);
    expect(versionChangeWarnings(transcription(), transcription(2))).toEqual([]);
  });

  it('is not computed again when only a task’s language changes', () => {
    const transcription = (language?: string) => workflow({ tasks: { T0: { type: 'transcription', instruction: 'Type it', ...(language ? { language } : {}) } } });
    expect(changesConsensus(transcription(), transcription('he'))).toBe(false);
    expect(changesConsensus(transcription('he'), transcription('yi'))).toBe(false);
    expect(versionChangeWarnings(transcription(), transcription('he'))).toEqual([]);
  });
});

describe('what a version changed, for its history', () => {
  it('names the parts of the definition that differ, a task by its key, with what the save said of consensus and the answers given', () => {
    const T0 = before.tasks.T0 as Extract<(typeof before.tasks)[string], { type: 'single' }>;
    const { T2: _, ...withoutT2 } = before.tasks;
    const after = workflow({ ...before, name: 'Renamed', tasks: { ...withoutT2, T0: { ...T0, question: 'Paid notice?' }, T3: { type: 'transcription', instruction: 'Type it' } } });
    expect(versionChanges(before, after)).toEqual({
      fields: ['/name', '/tasks/T0', '/tasks/T3', '/tasks/T2'],
      consensus: changesConsensus(before, after),
      warnings: versionChangeWarnings(before, after),
    });
    expect(versionChanges(before, after).consensus).toBe(true);
    const reworded = workflow({ ...before, tasks: { ...before.tasks, T0: { ...T0, question: 'Paid notice?' } } });
    expect(versionChanges(before, reworded)).toEqual({ fields: ['/tasks/T0'], consensus: false, warnings: [] });
    expect(versionChanges(before, before)).toEqual({ fields: [], consensus: false, warnings: [] });
  });
});
