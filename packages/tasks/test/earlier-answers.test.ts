import { type Annotation, type WorkflowDefinition, annotationsReadableUnder, validateAnnotations, workflowDefinitionSchema } from '../src';

/** A workflow of one task `T`, as `task` gives it. */
const workflow = (task: object): WorkflowDefinition => workflowDefinitionSchema.parse({ name: 'W', firstTask: 'T', tasks: { T: task } });

/** What `later` reads of `value`, given to `earlier`'s task `T` (valid there): the value, or undefined when nothing. */
function readUnder(later: WorkflowDefinition, earlier: WorkflowDefinition, value: unknown): unknown {
  const given: Annotation[] = [{ task: 'T', value }];
  expect(validateAnnotations(earlier, given).ok).toBe(true);
  return annotationsReadableUnder(later, given, earlier)[0]?.value;
}

/** Whether the annotation read is the one given, unchanged: aggregation tells answers read in part by this. */
function readWhole(later: WorkflowDefinition, earlier: WorkflowDefinition, value: unknown): boolean {
  const given: Annotation[] = [{ task: 'T', value }];
  return annotationsReadableUnder(later, given, earlier)[0] === given[0];
}

describe('an answer given under an earlier version, as a later one reads it', () => {
  const letter = 'Dear Sir, the parcel\narrived on Tuesday last.'; // two lines, longer than 20 characters

  it('reads a transcription longer than a new maxLength whole', () => {
    const earlier = workflow({ type: 'transcription', instruction: 'Type it' });
    const later = workflow({ type: 'transcription', instruction: 'Type it', maxLength: 20, mode: 'free' });
    expect(readWhole(later, earlier, letter)).toBe(true);
    expect(validateAnnotations(later, [{ task: 'T', value: letter }]).ok).toBe(false); // a new answer is held to it
  });

  it('reads a single choice while its answer is offered, and nothing of it once it is not', () => {
    const earlier = workflow({ type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }, { value: 'maybe', label: 'Maybe' }] });
    const later = workflow({ type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] });
    expect(readWhole(later, earlier, 'yes')).toBe(true);
    expect(readUnder(later, earlier, 'maybe')).toBeUndefined();
  });

  describe('multiple choice', () => {
    const answers = [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }, { value: 'c', label: 'C' }];
    const earlier = workflow({ type: 'multiple', question: 'Which?', answers });

    it('reads more choices than a new maxChoices, and fewer than a new minChoices, whole', () => {
      const later = workflow({ type: 'multiple', question: 'Which?', answers, minChoices: 2, maxChoices: 2 });
      expect(readWhole(later, earlier, ['a', 'b', 'c'])).toBe(true);
      expect(readWhole(later, earlier, ['a'])).toBe(true);
      expect(readWhole(workflow({ type: 'multiple', question: 'Which?', answers, maxChoices: 1 }), earlier, ['a', 'b'])).toBe(true);
    });

    it('leaves out a choice no longer offered, the others still counting (none left: it chose none of the rest)', () => {
      const later = workflow({ type: 'multiple', question: 'Which?', answers: answers.slice(0, 2) });
      expect(readUnder(later, earlier, ['c', 'a'])).toEqual(['a']);
      expect(readUnder(later, earlier, ['c'])).toEqual([]);
    });
  });

  describe('close reading', () => {
    const senses = [{ value: 'vehicle', label: 'Vehicle' }, { value: 'person', label: 'Person' }];
    const earlier = workflow({ type: 'close-reading', question: 'Sense?', senses, allowUnsure: true, evidence: 'optional' });

    it('reads an unsure answer once unsure is off, and evidence once the task takes none, whole', () => {
      const later = workflow({ type: 'close-reading', question: 'Sense?', senses, allowUnsure: false, evidence: 'none' });
      expect(readWhole(later, earlier, { sense: null, unsure: true })).toBe(true);
      expect(readWhole(later, earlier, { sense: 'vehicle', evidence: [[0, 4]] })).toBe(true);
    });

    it('reads nothing of a sense no longer offered, but an unsure answer without the sense it tried', () => {
      const later = workflow({ type: 'close-reading', question: 'Sense?', senses: senses.slice(0, 1), allowUnsure: true });
      expect(readUnder(later, earlier, { sense: 'person' })).toBeUndefined();
      expect(readUnder(later, earlier, { sense: 'person', unsure: true })).toEqual({ sense: null, unsure: true });
    });
  });

  describe('tagging', () => {
    const earlier = workflow({ type: 'tagging', instruction: 'Tag', vocabulary: ['illegible', 'stamp'] });
    const twins = { add: ['twins', 'illegible'], up: ['Stamp'], down: ['foxing'] };

    it('reads more tags than a new maxTags whole', () => {
      expect(readWhole(workflow({ type: 'tagging', instruction: 'Tag', vocabulary: ['illegible', 'stamp'], maxTags: 1 }), earlier, twins)).toBe(true);
    });

    it('keeps the vocabulary tags of an answer once free tags are off, leaving out the rest', () => {
      const later = workflow({ type: 'tagging', instruction: 'Tag', vocabulary: ['Illegible', 'stamp'], allowFreeTags: false });
      expect(readUnder(later, earlier, twins)).toEqual({ add: ['illegible'], up: ['Stamp'], down: [] });
      expect(readUnder(later, earlier, { add: ['twins'], up: [], down: [] })).toEqual({ add: [], up: [], down: [] });
      expect(readWhole(later, earlier, { add: ['illegible'], up: [], down: [] })).toBe(true);
    });

    it('leaves out a tag taken out of a closed vocabulary', () => {
      const closed = workflow({ type: 'tagging', instruction: 'Tag', vocabulary: ['illegible', 'stamp'], allowFreeTags: false });
      const later = workflow({ type: 'tagging', instruction: 'Tag', vocabulary: ['stamp'], allowFreeTags: false });
      expect(readUnder(later, closed, { add: ['illegible', 'stamp'], up: [], down: [] })).toEqual({ add: ['stamp'], up: [], down: [] });
    });
  });

  it('reads nothing of an answer to a task gone, or now of another type, though its value would fit', () => {
    const earlier = workflow({ type: 'single', question: 'Ad?', answers: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] });
    expect(readUnder(workflow({ type: 'transcription', instruction: 'Type it' }), earlier, 'yes')).toBeUndefined();
    const renamed = workflowDefinitionSchema.parse({ name: 'W', firstTask: 'U', tasks: { U: earlier.tasks.T } });
    expect(readUnder(renamed, earlier, 'yes')).toBeUndefined();
  });
});
