import type { Describe, TaskOf } from '../types';

/** A transcription in words is its text. (Apart from the editor, which is loaded only when a transcription is shown.) */
export const describeTranscription: Describe<TaskOf<'transcription'>> = (_task, value, t) => (typeof value === 'string' && value.trim() ? value : t('feedback.nothing'));
