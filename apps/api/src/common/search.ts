import { SEARCH_LIMITS, searchWordsOf } from '@chorus/client';
import { z } from 'zod';

/**
 * A search's words (`GET /projects?search=`, a project's comments' `q`): trimmed, 1 to `SEARCH_LIMITS.length`
 * characters, at most `SEARCH_LIMITS.words` different ones (each one more condition on every row read, so more are
 * refused, not dropped). `of`: what its words are words of, in the refusals; `leaveOut`: the parameter left out for all.
 */
export const searchSchema = (of: string, leaveOut: string) =>
  z
    .string()
    .trim()
    .min(1, `write a word of ${of} to look for, or leave ${leaveOut}`)
    .max(SEARCH_LIMITS.length, `must be at most ${SEARCH_LIMITS.length} characters: a few words of ${of} are enough`)
    .refine((q) => searchWordsOf(q).length <= SEARCH_LIMITS.words, `must have at most ${SEARCH_LIMITS.words} different words: a few words of ${of} are enough`);
