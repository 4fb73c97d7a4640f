import { z } from 'zod';
import { comparableText } from '../comparable-text';
import { baseTaskFields, labelSchema, noRepeats, quoted, taskKeySchema } from '../common';
import type { FieldError } from '../pointer';
import { type SubjectLocation, subjectText } from '../subject';

export const transcriptionTaskSchema = z.strictObject({
  type: z.literal('transcription'),
  instruction: labelSchema,
  ...baseTaskFields,
  /** `lines`: one editor row per line of the source; `free`: one text area. */
  mode: z.enum(['lines', 'free']).default('lines'),
  /** Text tags the volunteer can wrap around a selection, e.g. `unclear` gives `[unclear]…[/unclear]`. */
  textTags: z
    .array(z.string().regex(/^[a-z][a-z-]{0,31}$/, 'use lower-case letters and "-"'))
    .max(20)
    .superRefine((tags, ctx) => noRepeats(tags, ctx, (tag) => tag, (earlier) => `repeats textTags/${earlier}; name each tag once`))
    .default(['unclear', 'deletion', 'insertion']),
  maxLength: z.int().min(1).max(100_000).default(20_000),
  /**
   * Letters and signs the volunteer inserts with a button, for those their keyboard lacks: the page's `ſ`, `æ`, `þ`,
   * `℔` (each one character, or a few that go together).
   */
  specialCharacters: z
    .array(z.string().regex(/^\S{1,8}$/u, 'give one character, or a few that go together, without spaces'))
    .max(60)
    .superRefine((characters, ctx) => noRepeats(characters, ctx, (character) => character.normalize('NFC'), (earlier) => `repeats specialCharacters/${earlier}; give each once`))
    .optional(),
  /**
   * `subject-text`: the editor starts with the subject's text (`startingText`), such as a page's OCR, which volunteers
   * correct; left out, it starts empty. Absent rather than a default, so that versions stored before it stay equal.
   */
  startFrom: z.enum(['subject-text'], { error: 'must be "subject-text" (the editor starts with the subject\'s text, to correct it), or be left out (an empty editor)' }).optional(),
  next: taskKeySchema.optional(),
});
export type TranscriptionTask = z.infer<typeof transcriptionTaskSchema>;

/**
 * The volunteer submits the text, lines separated by `\n`, stored composed (Unicode NFC): `é` typed as `e` and a
 * combining accent on one keyboard and as one character on another is the same letter in the raw download too.
 */
export function transcriptionAnnotationSchema(task: TranscriptionTask) {
  return z
    .string()
    .max(task.maxLength, `at most ${task.maxLength} characters`)
    .transform((text) => text.normalize('NFC'));
}
export type TranscriptionAnnotation = string;

/**
 * The text a volunteer's transcription starts from: with `startFrom: "subject-text"`, the subject's text (its first text
 * location), its lines separated by `\n` and composed (NFC) as answers are stored, so that an answer left as it was is
 * that text; undefined for an empty editor (the task starts empty, or the subject has no text).
 */
export function startingText(task: TranscriptionTask, locations: readonly SubjectLocation[]): string | undefined {
  if (task.startFrom !== 'subject-text') return undefined;
  return subjectText(locations)?.text.replace(/\r\n?/g, '\n').normalize('NFC');
}

/**
 * Whether `text` is the transcription's starting text (`startingText`) left as it was, composed alike: such an answer
 * is valid whatever the task's limits for new answers (`maxLength`, its text tags), as that text is the subject's.
 */
export function leftAsStarted(task: TranscriptionTask, locations: readonly SubjectLocation[], text: string): boolean {
  const start = startingText(task, locations);
  return start !== undefined && text.normalize('NFC') === start;
}

/** A marker that looks like a tag, in any case: `[unclear]`, `[/Unclear]`. */
const TAG_MARKER = /\[(\/?)([a-z][a-z-]{0,31})\]/gi;

/**
 * The first misuse of the task's text tags in a new transcription, as a volunteer can fix it, or undefined: each tag
 * closed, after it opened, in the reverse order of opening, never inside itself, and written in lower case. Other
 * bracketed text (`[sic]`, `[1]`) is the volunteer's reading, not a tag. Answers stored before this rule keep counting:
 * the consensus reads tags leniently (`untag` in @chorus/consensus).
 */
export function textTagProblem(task: TranscriptionTask, text: string): string | undefined {
  const open: { tag: string; line: number }[] = [];
  for (const marker of text.matchAll(TAG_MARKER)) {
    const [written, slash, name] = marker as unknown as [string, string, string];
    const tag = name.toLowerCase();
    if (!task.textTags.includes(tag)) continue;
    const line = lineAt(text, marker.index);
    const expected = `[${slash}${tag}]`;
    if (written !== expected) return `${written} on line ${line} is written ${expected}, in lower case`;
    const inner = open.at(-1);
    if (!slash) {
      if (open.some((each) => each.tag === tag)) return `[${tag}] on line ${line} opens again inside [${tag}]: close the first with [/${tag}] before opening another`;
      open.push({ tag, line });
    } else if (inner?.tag === tag) open.pop();
    else if (inner && open.some((each) => each.tag === tag)) return `[/${tag}] on line ${line} closes [${tag}] while [${inner.tag}], opened inside it, is still open: close [/${inner.tag}] first`;
    else return `[/${tag}] on line ${line} closes a tag that is not open: add [${tag}] before the words it covers, or remove it`;
  }
  const unclosed = open.at(-1);
  if (unclosed) return `[${unclosed.tag}] on line ${unclosed.line} is never closed: add [/${unclosed.tag}] after the words it covers`;
  return undefined;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line += 1;
  return line;
}

/**
 * Whether a transcription gives the known text: the same words, however spaced or broken into lines, or typed (as
 * `comparableText` compares them, in Unicode NFC).
 */
export function sameText(given: unknown, known: unknown): boolean {
  const words = (value: unknown) => (typeof value === 'string' ? comparableText(value).normalize('NFC').trim().replace(/\s+/gu, ' ') : '');
  return words(given) === words(known);
}

/**
 * A transcription given under an earlier version, as this one reads it: any text, whatever its length (a `maxLength`
 * is for new answers) or its text tags (the consensus reads them leniently, by the current `textTags`).
 */
export const transcriptionEarlierAnswer = (_task: TranscriptionTask, value: unknown): TranscriptionAnnotation | undefined =>
  typeof value === 'string' ? value : undefined;

/** The consensus reads a task's text tags apart from the words, and any other bracketed text as words. */
export function transcriptionEarlierAnswerChanges(before: TranscriptionTask, after: TranscriptionTask): FieldError[] {
  const gone = before.textTags.filter((tag) => !after.textTags.includes(tag));
  const marked = (tag: string) => `[${tag}]…[/${tag}]`;
  return [
    ...(gone.length ? [{ pointer: '/textTags', message: `no longer has ${quoted(gone)}: the consensus reads ${gone.map(marked).join(', ')} in transcriptions given so far as part of their words` }] : []),
    ...after.textTags.flatMap((tag, index) =>
      before.textTags.includes(tag) ? [] : [{ pointer: `/textTags/${index}`, message: `is new: the consensus reads ${marked(tag)} in transcriptions given so far as this tag, no longer as part of their words` }],
    ),
  ];
}
