import type { Describe, TaskOf } from '../types';

/** A transcription in words is its text. (Kept apart from the editor, which loads lazily, when the workflow opens.) */
export const describeTranscription: Describe<TaskOf<'transcription'>> = (_task, value, t) => (typeof value === 'string' && value.trim() ? value : t('feedback.nothing'));

/** An empty transcription: every line empty or only spaces. */
export const transcriptionIsEmpty = (value: unknown): boolean => typeof value === 'string' && value.trim() === '';
