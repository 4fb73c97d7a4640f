import { tasksNotReached, workflowDefinitionSchema } from '@chorus/tasks';
import { type ClassificationRecord, askedForCheckOf, findRetirement, needsChecking, notReachedOf, offPathOf, reduceSubject, effectsMet } from '../src';

const toDetails = '00000000-0000-4000-8000-00000000000a';

/** "Is there an advertisement?" yes → "What is advertised?", no → the end; an effect and a rule on the second question. */
const advertisements = (retirement: unknown) =>
  workflowDefinitionSchema.parse({
    name: 'Ads',
    firstTask: 'T0',
    tasks: {
      T0: { type: 'single', question: 'Is there an advertisement?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
      T1: { type: 'single', question: 'What is advertised?', answers: [{ value: 'soap', label: 'Soap' }, { value: 'tea', label: 'Tea' }] },
    },
    retirement,
    effects: [{ when: { task: 'T1', answer: 'soap' }, addToSubjectSet: toDetails }, { when: { task: 'T1' }, addToSubjectSet: '00000000-0000-4000-8000-00000000000b' }],
  });

const classification = (id: string, ad: 'yes' | 'no', what?: string): ClassificationRecord => ({
  id,
  countsTowardRetirement: true,
  annotations: [{ task: 'T0', value: ad }, ...(what ? [{ task: 'T1', value: what }] : [])],
});

describe('the consensus path', () => {
  const definition = advertisements({ rule: 'count', count: 3 });
  const oneYes = [classification('b', 'no'), classification('c', 'no'), classification('a', 'yes', 'soap')];

  it('gives no answer to a task the consensus of the question before it led away from, its votes kept in its result', () => {
    const [t0, t1] = reduceSubject(definition, oneYes);
    expect(t0).toMatchObject({ answer: 'no', agreement: 2 / 3 });
    expect(t1).toMatchObject({ answer: null, agreement: null, votes: 1, result: { counts: { soap: 1 }, notReached: { task: 'T0', answer: 'no' } } });
    expect(notReachedOf(t1!)).toEqual({ task: 'T0', answer: 'no' });
  });

  it('keeps what the volunteers who reached a task off the consensus path gave (offPath), its answer still empty', () => {
    const [, t1] = reduceSubject(definition, oneYes);
    expect(offPathOf(t1!)).toEqual({ answer: 'soap', agreement: 1, votes: 1 });
    // Nobody reached it: nothing off the path either.
    const [, none] = reduceSubject(definition, [classification('a', 'no'), classification('b', 'no')]);
    expect(none).toMatchObject({ answer: null, votes: 0, result: { notReached: { task: 'T0', answer: 'no' } } });
    expect(offPathOf(none!)).toBeUndefined();
    // Reached, no offPath.
    const [, reached] = reduceSubject(definition, [classification('a', 'yes', 'tea'), classification('b', 'yes', 'tea')]);
    expect(offPathOf(reached!)).toBeUndefined();
  });

  it("keeps a branch's transcription in view when bayes decides against a 2-to-1 majority (tester round 22, F1)", () => {
    const handwriting = workflowDefinitionSchema.parse({
      name: 'Handwriting',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is there handwriting?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'transcription', instruction: 'Transcribe it' },
      },
      retirement: { rule: 'count', count: 3 },
    });
    const answer = (id: string, volunteer: string, seen: 'yes' | 'no', text?: string): ClassificationRecord => ({
      id,
      volunteer,
      countsTowardRetirement: true,
      annotations: [{ task: 'T0', value: seen }, ...(text ? [{ task: 'T1', value: text }] : [])],
    });
    // The two who said yes were learned to say yes whatever the page holds; the one who said no, to be right.
    const skills = { T0: { keen: { yes: { yes: 40, no: 0 }, no: { yes: 40, no: 0 } }, eager: { yes: { yes: 40, no: 0 }, no: { yes: 40, no: 0 } }, careful: { yes: { yes: 40, no: 0 }, no: { yes: 0, no: 40 } } } };
    const [t0, t1] = reduceSubject(handwriting, [answer('a', 'keen', 'yes', 'Dear Sir'), answer('b', 'eager', 'yes', 'Dear Sir'), answer('c', 'careful', 'no')], { skills });
    expect(t0).toMatchObject({ answer: 'no', algorithm: 'bayesian-confusion', result: { counts: { yes: 2, no: 1 } } });
    expect(t1).toMatchObject({ answer: null, agreement: null, votes: 2, result: { notReached: { task: 'T0', answer: 'no' }, offPath: { answer: 'Dear Sir', agreement: 1, votes: 2 } } });
  });

  it('needs checking a task volunteers answered that a question with no majority cut off, not one a majority did (tester round 24, F2)', () => {
    const flagged = (classifications: ClassificationRecord[]) => {
      const subject = reduceSubject(definition, classifications);
      return subject.map((task) => needsChecking(task, subject));
    };
    // One no, one yes: a tie under a vote (no answer), and one answer of two under bayes; either way, T1 is flagged.
    expect(flagged([classification('a', 'no'), classification('b', 'yes', 'soap')])).toEqual([false, true]);
    const skewed = { T0: { careful: { yes: { yes: 40, no: 0 }, no: { yes: 0, no: 40 } } } };
    const bayes = workflowDefinitionSchema.parse({ ...definition, tasks: { ...definition.tasks, T0: { ...definition.tasks.T0!, algorithm: 'bayes' } } });
    const tie = reduceSubject(bayes, [{ ...classification('a', 'no'), volunteer: 'careful' }, { ...classification('b', 'yes', 'soap'), volunteer: 'keen' }], { skills: skewed });
    expect(tie[0]).toMatchObject({ answer: 'no', agreement: 0.5 });
    expect(needsChecking(tie[1]!, tie)).toBe(true);
    // Two of three said no: a majority cut T1 off, nothing to check; nobody answered it, nothing either.
    expect(flagged(oneYes)).toEqual([false, false]);
    expect(flagged([classification('a', 'no'), classification('b', 'no')])).toEqual([false, false]);
    expect(flagged([classification('a', 'yes', 'soap'), classification('b', 'yes', 'soap')])).toEqual([false, false]);
  });

  it('needs checking a transcription a volunteer asked the team to check (its "unsure"), however much the others agree, on the path or off it', () => {
    const letters = workflowDefinitionSchema.parse({
      name: 'Letters',
      firstTask: 'T0',
      tasks: {
        T0: { type: 'single', question: 'Is there handwriting?', answers: [{ value: 'yes', label: 'Yes', next: 'T1' }, { value: 'no', label: 'No' }] },
        T1: { type: 'transcription', instruction: 'Transcribe it' },
      },
      retirement: { rule: 'count', count: 3 },
    });
    const answer = (id: string, seen: 'yes' | 'no', text?: string, unsure?: boolean): ClassificationRecord => ({
      id,
      countsTowardRetirement: true,
      annotations: [{ task: 'T0', value: seen }, ...(text === undefined ? [] : [{ task: 'T1', value: text, ...(unsure === undefined ? {} : { unsure }) }])],
    });
    const judged = (classifications: ClassificationRecord[]) => {
      const subject = reduceSubject(letters, classifications);
      return subject.map((task) => ({ asked: askedForCheckOf(task), needsChecking: needsChecking(task, subject) }));
    };
    const agreed = [answer('a', 'yes', 'Dear Sir'), answer('b', 'yes', 'Dear Sir')];
    expect(judged([...agreed, answer('c', 'yes', 'Dear Sir', false)])[1]).toEqual({ asked: 0, needsChecking: false });
    expect(judged([...agreed, answer('c', 'yes', 'Dear Sir', true)])[1]).toEqual({ asked: 1, needsChecking: true });
    expect(judged([answer('a', 'yes', 'Dear Sir', true), answer('b', 'yes', 'Dear Sir', true)])[1]).toEqual({ asked: 2, needsChecking: true });
    // Off the path: two of three saw no handwriting, and the one who transcribed asked for a check.
    expect(judged([answer('a', 'no'), answer('b', 'no'), answer('c', 'yes', 'Dear Sir', true)])).toEqual([{ asked: 0, needsChecking: false }, { asked: 1, needsChecking: true }]);
    // Results stored before the flag stay as they were: no askedForCheck key when nobody asked.
    expect(reduceSubject(letters, agreed)[1]!.result).not.toHaveProperty('askedForCheck');
  });

  it('answers the task the consensus leads to, as before', () => {
    const [t0, t1] = reduceSubject(definition, [classification('a', 'yes', 'soap'), classification('b', 'yes', 'soap'), classification('c', 'no')]);
    expect(t0!.answer).toBe('yes');
    expect(t1).toMatchObject({ answer: 'soap', agreement: 1, votes: 2 });
    expect(notReachedOf(t1!)).toBeUndefined();
  });

  it('leaves the tasks behind a tied or unanswered question unreached until it has a consensus', () => {
    const [, tied] = reduceSubject(definition, [classification('a', 'yes', 'soap'), classification('b', 'no')]);
    expect(tied).toMatchObject({ answer: null, agreement: null, votes: 1, result: { notReached: { task: 'T0', answer: null } } });
    expect(tasksNotReached(definition, () => null)).toEqual(new Map([['T1', { task: 'T0', answer: null }]]));
  });

  it('reaches, behind a tied question, the task every one of its answers leads to', () => {
    const meeting = workflowDefinitionSchema.parse({
      name: 'Meeting',
      firstTask: 'T1',
      tasks: {
        T1: { type: 'single', question: 'Printed?', answers: [{ value: 'yes', label: 'Yes', next: 'T2' }, { value: 'no', label: 'No', next: 'T3' }] },
        T2: { type: 'single', question: 'Typeface?', answers: [{ value: 'serif', label: 'Serif', next: 'T3' }, { value: 'sans', label: 'Sans', next: 'T3' }] },
        T3: { type: 'single', question: 'Dated?', answers: [{ value: 'yes', label: 'Yes', next: 'T4' }, { value: 'no', label: 'No' }] },
        T4: { type: 'transcription', instruction: 'Type the date' },
      },
    });
    expect(tasksNotReached(meeting, (task) => (task === 'T3' ? 'no' : null))).toEqual(
      new Map([
        ['T4', { task: 'T3', answer: 'no' }],
        ['T2', { task: 'T1', answer: null }],
      ]),
    );
  });

  it('follows a question whose answers all lead to the same task, even without a consensus, and names the last question that led elsewhere', () => {
    const chain = workflowDefinitionSchema.parse({
      name: 'Chain',
      firstTask: 'A',
      tasks: {
        A: { type: 'single', question: 'A?', answers: [{ value: 'x', label: 'X', next: 'B' }, { value: 'y', label: 'Y', next: 'B' }] },
        B: { type: 'single', question: 'B?', answers: [{ value: 'x', label: 'X', next: 'C' }, { value: 'y', label: 'Y', next: 'D' }] },
        C: { type: 'single', question: 'C?', answers: [{ value: 'x', label: 'X', next: 'E' }, { value: 'y', label: 'Y' }] },
        D: { type: 'multiple', question: 'D?', answers: [{ value: 'x', label: 'X' }], next: 'E' },
        E: { type: 'transcription', instruction: 'Type it' },
      },
    });
    const answers: Record<string, string | null> = { A: null, B: 'x', C: 'y' };
    const asked: string[] = [];
    const notReached = tasksNotReached(chain, (task) => {
      asked.push(task);
      return answers[task] ?? null;
    });
    expect(notReached).toEqual(new Map([['E', { task: 'C', answer: 'y' }], ['D', { task: 'B', answer: 'x' }]]));
    expect(asked).toEqual(['B', 'C']);
  });

  it('lets no retirement rule act on an unreached task: neither its agreement nor its posterior', () => {
    const byAgreement = advertisements({ rule: 'agreement', task: 'T1', threshold: 0.8, minimum: 1, maximum: 10 });
    expect(findRetirement(byAgreement, oneYes).decision.retire).toBe(false);
    const byPosterior = advertisements({ rule: 'posterior', task: 'T1', answer: 'soap', low: 0.05, high: 0.6, maximum: 10 });
    expect(findRetirement(byPosterior, oneYes).decision.retire).toBe(false);
    // Reached once "yes" leads (not while it is tied, after b), the same answers to T1 retire it.
    const reached = [classification('b', 'no'), classification('a', 'yes', 'soap'), classification('c', 'yes', 'soap')];
    expect(findRetirement(byAgreement, reached)).toMatchObject({ decision: { retire: true, reason: 'agreement' }, triggeredBy: 'c' });
    expect(findRetirement(byPosterior, reached)).toMatchObject({ decision: { retire: true, reason: 'posterior' }, triggeredBy: 'c' });
  });

  it('reduces no task to replay a rule that reads none: a count rule needs no consensus path', () => {
    const reduced = new Map();
    expect(findRetirement(definition, oneYes, { reduced })).toMatchObject({ decision: { retire: true, reason: 'count' }, triggeredBy: 'a' });
    expect([...reduced.keys()]).toEqual([]);
  });

  it('fires no effect on an unreached task, even one that names only the task', () => {
    expect(effectsMet(definition, 1, reduceSubject(definition, oneYes)).map((met) => met.subjectSetId)).toEqual([]);
    const reached = reduceSubject(definition, [classification('a', 'yes', 'soap'), classification('b', 'yes', 'soap'), classification('c', 'no')]);
    expect(effectsMet(definition, 1, reached).map((met) => met.subjectSetId)).toEqual([toDetails, '00000000-0000-4000-8000-00000000000b']);
  });
});
