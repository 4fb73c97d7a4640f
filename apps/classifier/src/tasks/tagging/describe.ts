import { appliedTags, taggingListsOf } from '@chorus/tasks';
import { listOf } from '../../lib/formats';
import type { Describe, TaskOf } from '../types';

/** No tag added and no vote given: right for a subject with nothing to tag, so it is confirmed, not refused. */
export const taggingIsEmpty = (value: unknown): boolean => {
  const { add, up, down } = taggingListsOf(value);
  return !add.length && !up.length && !down.length;
};

/** The tags a value stands behind (added or voted up), in words. */
export const describeTagging: Describe<TaskOf<'tagging'>> = (_task, value, t) => {
  const tags = appliedTags(taggingListsOf(value));
  return tags.length ? listOf(tags) : t('feedback.nothing');
};
