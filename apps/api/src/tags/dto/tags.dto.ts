import { taskKeySchema } from '@chorus/tasks';
import { z } from 'zod';

/** `?task=T4`: the tagging task whose proposed tags are asked for. */
export const tagsTaskSchema = z.string({ error: 'is required: the key of a tagging task of this workflow' }).pipe(taskKeySchema);
