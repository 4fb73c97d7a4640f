import { type ClassificationRecord, reduceSubject } from '@chorus/consensus';
import { workflowDefinitionSchema } from '@chorus/tasks';
import { CONSENSUS_RESULT_FIELDS } from '../src/exports/consensus-rows';

/** The fields of a result as CONSENSUS_RESULT_FIELDS names them (`a[]`: an element of `a`), down to those documented alone. */
function fieldsOf(value: unknown, documented: readonly string[], path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((element) => fieldsOf(element, documented, `${path}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const field = `${path}${path ? '.' : ''}${key}`;
    const within = documented.some((name) => name.startsWith(`${field}.`) || name.startsWith(`${field}[]`));
    return [field, ...(within ? fieldsOf(inner, documented, field) : [])];
  });
}

describe("the consensus download's documentation of <task>_result", () => {
  const definition = workflowDefinitionSchema.parse({
    name: 'Every type',
    firstTask: 'S',
    tasks: {
      S: { type: 'single', question: 'Entry?', answers: [{ value: 'yes', label: 'Yes', next: 'M' }, { value: 'no', label: 'No', next: 'M' }] },
      M: { type: 'multiple', question: 'Which?', answers: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }], next: 'X' },
      X: { type: 'transcription', instruction: 'Type it', textTags: ['unclear'], startFrom: 'subject-text', next: 'C' },
      C: { type: 'close-reading', question: 'Sense?', senses: [{ value: 'v', label: 'V' }, { value: 'p', label: 'P' }], allowUnsure: true, evidence: 'optional', next: 'G' },
      G: { type: 'tagging', instruction: 'Tag it', next: 'F' },
      F: { type: 'fields', instruction: 'Copy the card', fields: [{ key: 'surname', label: 'Surname', kind: 'text' }], next: 'P' },
      P: { type: 'marking', instruction: 'Mark the seal', tools: [{ key: 'seal', label: 'Seal', shape: 'point' }] },
    },
  });
  const answers = (id: string, transcription: string, evidence: [number, number][], tags: object, unsure = false): ClassificationRecord => ({
    id,
    countsTowardRetirement: true,
    annotations: [
      { task: 'S', value: 'yes' },
      { task: 'M', value: ['a'] },
      { task: 'X', value: transcription, ...(unsure ? { unsure: true as const } : {}) },
      { task: 'C', value: { sense: 'v', evidence } },
      { task: 'G', value: tags },
      { task: 'F', value: { surname: 'Brown' } },
      { task: 'P', value: [{ tool: 'seal', x: 10, y: 20 }] },
    ],
  });
  // Answers that fill every field there is: a tagged word, a line break in dispute, evidence, a tag voted down, a
  // transcriber asking the team to check.
  const consensus = reduceSubject(definition, [
    answers('1', '[unclear]Mary[/unclear] Brown\nof Leeds', [[0, 4]], { add: ['baptism'] }),
    answers('2', '[unclear]Mary[/unclear] Brown\nof Leeds', [[0, 6]], { up: ['baptism'] }),
    answers('3', 'Mary Brown of Leeds', [], { down: ['baptism'] }, true),
  ], { locations: [{ type: 'text', text: 'Mary Brovvn of Leeds' }] });

  it.each(Object.entries(CONSENSUS_RESULT_FIELDS))('names every field of a %s task, and only those', (type, fields) => {
    const task = Object.entries(definition.tasks).find(([, task]) => task.type === type)![0];
    const { result } = consensus.find((reduced) => reduced.task === task)!;
    const documented = Object.keys(fields);
    expect(new Set(fieldsOf(result, documented))).toEqual(new Set(documented));
  });
});
