import type { TaggingAnnotation } from '@chorus/tasks';
import { listOf } from '../../lib/listFormat';
import type { Describe, TaskOf } from '../types';

/** A tagging value with every list present. */
export function current(value: unknown): TaggingAnnotation {
  const v = (value ?? {}) as Partial<TaggingAnnotation>;
  return { add: v.add ?? [], up: v.up ?? [], down: v.down ?? [] };
}

/** The tags a value stands behind (added or voted up), in words. */
export const describeTagging: Describe<TaskOf<'tagging'>> = (_task, value, t) => {
  const { add, up } = current(value);
  const tags = [...new Set([...add, ...up])]; // a volunteer may vote up a tag they added
  return tags.length ? listOf(tags) : t('feedback.nothing');
};
