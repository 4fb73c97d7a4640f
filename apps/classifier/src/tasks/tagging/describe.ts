import { type TaggingAnnotation, appliedTags } from '@chorus/tasks';
import { listOf } from '../../lib/listFormat';
import type { Describe, TaskOf } from '../types';

/** A tagging value with every list present. */
export function current(value: unknown): TaggingAnnotation {
  const v = (value ?? {}) as Partial<TaggingAnnotation>;
  return { add: v.add ?? [], up: v.up ?? [], down: v.down ?? [] };
}

/** No tag added and no vote given: right for a subject with nothing to tag, so it is confirmed, not refused. */
export const taggingIsEmpty = (value: unknown): boolean => {
  const { add, up, down } = current(value);
  return !add.length && !up.length && !down.length;
};

/** The tags a value stands behind (added or voted up), in words. */
export const describeTagging: Describe<TaskOf<'tagging'>> = (_task, value, t) => {
  const tags = appliedTags(current(value));
  return tags.length ? listOf(tags) : t('feedback.nothing');
};
