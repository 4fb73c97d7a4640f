import { z } from 'zod';
import { LIST_SEPARATOR, baseTaskFields, labelSchema, noRepeats, quoted, stringsOf, taskKeySchema, withoutListSeparator } from '../common';
import { comparableText } from '../comparable-text';
import type { FieldError } from '../pointer';

/** The longest tag, in characters. */
export const MOST_TAG_LENGTH = 100;

/**
 * A tag as a volunteer means it, the one rule for what is submitted, hidden and matched: its characters in their
 * compatibility form (NFKC: full-width `ｓｐａｍ` is `spam`, `ﬁ` is `fi`, `é` typed as `e` and a combining accent is
 * `é`), without the characters that do not change a word (`comparableText`: direction marks, zero-width spaces, the
 * tatweel…; the zero-width non-joiner and joiner of `کتاب‌خانه` are kept), trimmed, inner spaces collapsed, its case
 * kept. `comparableText` goes before and after NFKC, which can make such a character (a half-width Hangul filler).
 */
export const tidyTag = (tag: string) => comparableText(comparableText(tag).normalize('NFKC')).trim().replace(/\s+/gu, ' ');

export const tagSchema = withoutListSeparator(z.string().trim().min(1).max(MOST_TAG_LENGTH), 'tags', 'send each tag on its own', tidyTag).refine(
  (tag) => tag === '' || tidyTag(tag).replace(/[\u200c\u200d]/gu, '') !== '', // an empty tag is refused as empty; joiners alone show nothing
  'holds only characters that show nothing (zero-width spaces, direction marks); type the tag in letters, digits or symbols',
);

/** A tag as consensus, feedback, validation and hiding compare it: tidied, lower case. */
export const normaliseTag = (tag: string) => tidyTag(tag).toLowerCase();

/** Whether two tags are the same tag, as consensus counts them. */
export const sameTag = (a: string, b: string) => normaliseTag(a) === normaliseTag(b);

const SAME_TAG = 'tags are compared without case, extra spaces, invisible characters or how their letters and accents are typed (full-width letters are letters)';

export const taggingTaskSchema = z.strictObject({
  type: z.literal('tagging'),
  instruction: labelSchema,
  ...baseTaskFields,
  vocabulary: z
    .array(tagSchema)
    .max(10_000)
    .superRefine((tags, ctx) => noRepeats(tags, ctx, normaliseTag, (earlier) => `is the tag of vocabulary/${earlier} again (${SAME_TAG}); list each tag once`))
    .optional(),
  allowFreeTags: z.boolean().default(true),
  /** The most tags one volunteer applies to a subject: those they add and those they agree with, together. */
  maxTags: z.int().min(1).max(100).default(20),
  /**
   * What a volunteer is shown of the tags others proposed for the subject (`proposedTagsShown`). Absent means
   * `with-votes`, as before the field existed (not a default, so that versions stored before it stay equal to their
   * re-submission).
   */
  proposedTags: z.enum(['with-votes', 'without-votes', 'after-own-tags']).optional(),
  next: taskKeySchema.optional(),
}).refine((task) => task.allowFreeTags || !!task.vocabulary?.length, {
  path: ['vocabulary'],
  message: 'is needed when allowFreeTags is false: list the tags volunteers may apply, or allow free tags',
});
export type TaggingTask = z.infer<typeof taggingTaskSchema>;

/** The only tags volunteers may apply, when free tags are off; undefined when they may apply any. */
export const closedVocabulary = (task: TaggingTask): string[] | undefined => (task.allowFreeTags ? undefined : task.vocabulary);

/**
 * What a volunteer is shown of the tags others proposed for the subject, to agree or disagree with: `with-votes`, the
 * tags and their votes so far, from the start; `without-votes`, the tags alone; `after-own-tags`, the tags alone, once
 * the volunteer has added their own (or said they have none), so that the tags they propose are their own judgement.
 */
export function proposedTagsShown(task: TaggingTask): NonNullable<TaggingTask['proposedTags']> {
  return task.proposedTags ?? 'with-votes';
}

/** New tags, and up or down votes on tags other volunteers proposed. */
export function taggingAnnotationSchema(task: TaggingTask) {
  const closed = closedVocabulary(task);
  const vocabulary = closed && new Set(closed.map(normaliseTag));
  const tagList = z.array(tagSchema).max(task.maxTags, `at most ${task.maxTags} tags`);
  return z
    .strictObject({ add: tagList.default([]), up: tagList.default([]), down: tagList.default([]) })
    .superRefine((value, ctx) => {
      if (vocabulary) {
        for (const list of ['add', 'up', 'down'] as const) {
          value[list].forEach((tag, index) => {
            if (!vocabulary.has(normaliseTag(tag))) ctx.addIssue({ code: 'custom', path: [list, index], message: `"${tag}" is not in the task's vocabulary` });
          });
        }
      }
      // Tags are compared as consensus compares them ("Horse" and "horse " are one tag); votes on one's own tag are
      // dropped below, not refused.
      const added = new Set<string>();
      value.add.forEach((tag, index) => {
        if (added.has(normaliseTag(tag))) ctx.addIssue({ code: 'custom', path: ['add', index], message: `"${tag}" is added twice (${SAME_TAG}); send it once` });
        added.add(normaliseTag(tag));
      });
      const up = new Set(value.up.map(normaliseTag));
      const applied = new Set([...added, ...up]).size;
      if (applied > task.maxTags) {
        ctx.addIssue({ code: 'custom', path: [value.up.length ? 'up' : 'add'], message: `applies ${applied} tags, those added and those agreed with together: at most ${task.maxTags}` });
      }
      value.down.forEach((tag, index) => {
        if (up.has(normaliseTag(tag)) && !added.has(normaliseTag(tag))) ctx.addIssue({ code: 'custom', path: ['down', index], message: `"${tag}" cannot be voted both up and down` });
      });
    })
    .transform((value) => {
      // Proposing a tag counts as the proposer's vote for it: a vote of theirs on it (answers made before the classifier
      // stopped offering one) says nothing more, and is dropped rather than refused, so that no stored answer is lost.
      const added = new Set(value.add.map(normaliseTag));
      const onOthers = (tags: string[]) => tags.filter((tag) => !added.has(normaliseTag(tag)));
      return { add: value.add, up: onOthers(value.up), down: onOthers(value.down) };
    });
}
export type TaggingAnnotation = { add: string[]; up: string[]; down: string[] };

/** A tagging value as consensus reads it, whatever the task allows new answers (how many tags, how long). */
const earlierTaggingSchema = z.strictObject({ add: z.array(z.string()).optional(), up: z.array(z.string()).optional(), down: z.array(z.string()).optional() });

/**
 * An answer given under an earlier version, as this one reads it: its tags, however many (`maxTags` is for new
 * answers); under a closed vocabulary, only the vocabulary's (a consensus that researchers closed holds only those),
 * the answer still counting for them and against the rest. The value itself when nothing is left out.
 */
export function taggingEarlierAnswer(task: TaggingTask, value: unknown): Partial<TaggingAnnotation> | undefined {
  const parsed = earlierTaggingSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const closed = closedVocabulary(task);
  if (!closed) return value as Partial<TaggingAnnotation>;
  const vocabulary = new Set(closed.map(normaliseTag));
  const inVocabulary = (tag: string) => vocabulary.has(normaliseTag(tag));
  const lists = taggingListsOf(value);
  const kept = { add: lists.add.filter(inVocabulary), up: lists.up.filter(inVocabulary), down: lists.down.filter(inVocabulary) };
  return Object.values(kept).flat().length === Object.values(lists).flat().length ? (value as Partial<TaggingAnnotation>) : kept;
}

/**
 * Answers given so far count for the tags they applied and against the rest: closing the vocabulary, or taking a tag
 * out of a closed one, leaves out the tags it no longer has, the answers' other tags still counting; a tag new to a
 * closed vocabulary, which they could not apply, they count against.
 */
export function taggingEarlierAnswerChanges(before: TaggingTask, after: TaggingTask): FieldError[] {
  const [was, now] = [closedVocabulary(before), closedVocabulary(after)];
  if (!now) return [];
  if (!was) {
    return [{ pointer: '/allowFreeTags', message: "is false where free tags were allowed: tags given so far that are not in the vocabulary stop counting in the consensus (the vocabulary's tags of the same answers still count)" }];
  }
  const [earlier, current] = [new Set(was.map(normaliseTag)), new Set(now.map(normaliseTag))];
  const gone = was.filter((tag) => !current.has(normaliseTag(tag)));
  return [
    ...(gone.length ? [{ pointer: '/vocabulary', message: `no longer has ${quoted(gone)}: answers given so far count in the consensus without ${gone.length === 1 ? 'it' : 'them'}, their other tags still counting` }] : []),
    ...now.flatMap((tag, index) =>
      earlier.has(normaliseTag(tag)) ? [] : [{ pointer: `/vocabulary/${index}`, message: `is new: answers given so far could not apply "${tag}", and count against it in the consensus` }],
    ),
  ];
}

/**
 * The tags a tagging vote stands behind, compared as consensus compares them (`normalise`): those it adds or agrees
 * with, less those it disagrees with, each once.
 */
export function endorsedTags(value: { add?: readonly string[]; up?: readonly string[]; down?: readonly string[] }, normalise: (tag: string) => string = normaliseTag): Set<string> {
  const rejected = new Set((value.down ?? []).map(normalise));
  return new Set([...(value.add ?? []), ...(value.up ?? [])].map(normalise).filter((tag) => !rejected.has(tag)));
}

/** A tagging value (stored, or being edited) with every list present, each only its strings. */
export function taggingListsOf(value: unknown): TaggingAnnotation {
  const { add, up, down } = (value ?? {}) as Record<string, unknown>;
  return { add: stringsOf(add), up: stringsOf(up), down: stringsOf(down) };
}

/** A known answer as researchers may write it: the whole value, or the tags as a list or a download cell (`a;b`). */
export function taggingKnownAnswer(known: unknown): unknown {
  const tags = typeof known === 'string' ? known.split(LIST_SEPARATOR) : known;
  return Array.isArray(tags) ? { add: tags, up: [], down: [] } : tags;
}

/**
 * Whether the volunteer's tags give the known ones. Open tagging: more tags than the experts gave are not wrong;
 * missing one of theirs is, and so is applying one they rejected; none known, none given.
 */
export function givesKnownTags(given: unknown, known: unknown): boolean {
  const [expected, applied] = [endorsedTags(taggingListsOf(known)), endorsedTags(taggingListsOf(given))];
  if (taggingListsOf(known).down.map(normaliseTag).some((tag) => applied.has(tag))) return false;
  return expected.size ? [...expected].every((tag) => applied.has(tag)) : applied.size === 0;
}

/** A valid known answer as a download cell: the tags it endorses as consensus normalises them, alphabetically. */
export const flatKnownTags = (known: TaggingAnnotation): string => [...endorsedTags(known)].sort().join(LIST_SEPARATOR);

/** The tags a tagging answer applies, as given: those proposed, then those agreed with (each once). */
export function appliedTags(value: { add?: readonly string[]; up?: readonly string[] }): string[] {
  return [...new Set([...(value.add ?? []), ...(value.up ?? [])])];
}
