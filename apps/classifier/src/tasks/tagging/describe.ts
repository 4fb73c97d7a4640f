import { type TaggingAnnotation, appliedTags } from '@chorus/tasks';
import { listOf } from '../../lib/listFormat';
import type { Describe, TaskOf } from '../types';

/** A tagging value with every list present. */
export function current(value: unknown): TaggingAnnotation {
  const v = (value ?? {}) as Partial<TaggingAnnotation>;
  return { add: v.add ?? [], up: v.up ?? [], down: v.down ?? [] };
}

/** The tags a value stands behind (added or voted up), in words. */
export const describeTagging: Describe<TaskOf<'tagging'>> = (_task, value, t) => {
  const tags = appliedTags(current(value));
  return tags.length ? listOf(tags) : t('feedback.nothing');
};
