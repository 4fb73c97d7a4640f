import { MOST_HELD_NAMED } from '@chorus/client';
import { z } from 'zod';
import { pageLimitSchema, timeQuerySchema } from '../../common/zod';

/** Subjects a volunteer still holds and names to keep: those their page shows while they work. */
const heldSubjectIdsSchema = z.array(z.uuid('must be subject ids')).max(MOST_HELD_NAMED, `must name at most ${MOST_HELD_NAMED} subjects`);

/**
 * The queue's query, as one object, so that one answer names every parameter at fault; one it does not know (`limt`)
 * is refused too, since the request reserves subjects.
 */
export const queueQuerySchema = z.strictObject({
  limit: pageLimitSchema(50, 10),
  hold: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of seconds, from 60 to 86400 (or leave hold out)')
    .transform(Number)
    .pipe(z.number().min(60, 'must be at least 60 seconds').max(86_400, 'must be at most 86400 seconds (a day)'))
    .optional(),
  renew: z
    .string()
    .transform((ids) => ids.split(','))
    .pipe(heldSubjectIdsSchema)
    .optional(),
  resume: z
    .enum(['true', 'false'], 'must be true (serve first the subjects you already hold here) or false')
    .transform((resume) => resume === 'true')
    .optional(),
  subjectSetId: z.uuid('must be the id of a subject set the workflow serves (GET /workflows/:id/queue/sets lists them), or leave subjectSetId out').optional(),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

/** The neighbours' query: the subject set to look around in, for a subject in more than one the workflow serves (the one a volunteer chose). */
export const neighbourPagesQuerySchema = z.strictObject({
  subjectSetId: z.uuid('must be the id of a subject set of this workflow that has the subject (the one the volunteer chose), or leave subjectSetId out').optional(),
});
export type NeighbourPagesQuery = z.infer<typeof neighbourPagesQuerySchema>;

/**
 * The subjects of the caller's to renew, and of those the one the page shows now (`onScreen`): its hold is kept even
 * when the workflow no longer asks for it, while the others of those it no longer asks for are released.
 */
export const heldSubjectsSchema = z
  .strictObject({
    subjectIds: heldSubjectIdsSchema.min(1, 'must name at least one subject'),
    onScreen: z.uuid('must be the id of the subject on screen (or leave onScreen out)').optional(),
  })
  .refine((body) => body.onScreen === undefined || body.subjectIds.includes(body.onScreen), {
    message: 'must be one of subjectIds (the subject on screen is among those the page shows), or leave onScreen out',
    path: ['onScreen'],
  });
export type HeldSubjects = z.infer<typeof heldSubjectsSchema>;

/**
 * The subjects of the caller's to give back: those named, or with `all`, every one they hold in the workflow (a page
 * of theirs that died without giving its subjects back).
 */
export const releasedHoldsSchema = z
  .strictObject({ subjectIds: heldSubjectIdsSchema.min(1, 'must name at least one subject').optional(), all: z.literal(true, 'must be true (or leave all out and name subjectIds)').optional() })
  .refine((body) => (body.subjectIds === undefined) !== (body.all === undefined), { message: 'name the subjects to give back, or send { "all": true } to give back all yours in the workflow, not both', path: ['subjectIds'] });
export type ReleasedHolds = z.infer<typeof releasedHoldsSchema>;

/**
 * Which holds researchers end: with `asOf` (the time `GET /workflows/:id/stats` read the subjects held), only those taken
 * by then, so that no hold taken after they were told how many is ended unseen.
 */
export const workflowHoldsQuerySchema = z.strictObject({
  asOf: timeQuerySchema(
    [z.iso.datetime({ offset: true })],
    'must be a date and time with its zone, as `asOf` of GET /workflows/:id/stats gives it (2026-12-03T17:05:03.123456Z); leave it out to end every hold',
  ).optional(),
});
export type WorkflowHoldsQuery = z.infer<typeof workflowHoldsQuerySchema>;
