import { z } from 'zod';
import { baseTaskFields, labelSchema, taskKeySchema } from '../common';

export const tagSchema = z.string().trim().min(1).max(100);

export const taggingTaskSchema = z.strictObject({
  type: z.literal('tagging'),
  instruction: labelSchema,
  ...baseTaskFields,
  vocabulary: z.array(tagSchema).max(10_000).optional(),
  allowFreeTags: z.boolean().default(true),
  maxTags: z.int().min(1).max(100).default(20),
  next: taskKeySchema.optional(),
});
export type TaggingTask = z.infer<typeof taggingTaskSchema>;

/** New tags, and up or down votes on tags other volunteers proposed. */
export function taggingAnnotationSchema(task: TaggingTask) {
  const vocabulary = task.vocabulary ? new Set(task.vocabulary) : undefined;
  const tagList = z.array(tagSchema).max(task.maxTags, `at most ${task.maxTags} tags`);
  return z
    .strictObject({ add: tagList.default([]), up: tagList.default([]), down: tagList.default([]) })
    .superRefine((value, ctx) => {
      if (vocabulary && !task.allowFreeTags) {
        value.add.forEach((tag, index) => {
          if (!vocabulary.has(tag)) ctx.addIssue({ code: 'custom', path: ['add', index], message: `"${tag}" is not in the task's vocabulary` });
        });
      }
      const up = new Set(value.up);
      value.down.forEach((tag, index) => {
        if (up.has(tag)) ctx.addIssue({ code: 'custom', path: ['down', index], message: `"${tag}" cannot be voted both up and down` });
      });
    })
    .transform((value) => {
      // Proposing a tag counts as the proposer's vote for it: a vote of theirs on it (answers made before the classifier
      // stopped offering one) says nothing more, and is dropped rather than refused, so that no stored answer is lost.
      const added = new Set(value.add.map((tag) => tag.toLowerCase()));
      const onOthers = (tags: string[]) => tags.filter((tag) => !added.has(tag.toLowerCase()));
      return { add: value.add, up: onOthers(value.up), down: onOthers(value.down) };
    });
}
export type TaggingAnnotation = { add: string[]; up: string[]; down: string[] };
