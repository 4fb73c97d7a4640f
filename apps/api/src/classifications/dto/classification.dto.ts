import { annotationsSchema, metadataSchema } from '@chorus/tasks';
import { z } from 'zod';
import { idempotencyKeyOf } from '../../idempotent-requests/idempotent-requests';
import { versionNumberSchema } from '../../workflows/dto/workflow.dto';

/** An ISO 8601 date-time Postgres can store: zod accepts the year 0000, which does not exist. */
const dateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
  .refine((value) => !value.startsWith('0000'), 'must be a date-time from the year 1 on');

/**
 * How far ahead of the server's clock a classification's times may be: a device's clock runs a little fast or slow,
 * but an answer finished an hour from now is a wrong clock or a made-up time, and would sort after answers not given yet.
 */
export const CLOCK_SKEW_ALLOWANCE_MINUTES = 10;

/** A date-time of the classifying: not later than now, give or take the allowance for a device's clock. */
const classifyingTime = dateTime.refine(
  // Not a date at all ("yesterday") is named by the date-time check alone.
  (value) => !(Date.parse(value) > Date.now() + CLOCK_SKEW_ALLOWANCE_MINUTES * 60_000),
  `must not be in the future (more than ${CLOCK_SKEW_ALLOWANCE_MINUTES} minutes ahead of the server's clock): send when the volunteer started or finished, by a clock set right`,
);

export const classificationSchema = z.strictObject({
  workflowId: z.uuid('must be the id of a workflow'),
  workflowVersion: versionNumberSchema,
  subjectId: z.uuid('must be the id of a subject'),
  /**
   * Its shape (a list of { task, value }) is checked here, with the other fields; each value against the workflow
   * version by packages/tasks, once the version is known.
   */
  annotations: annotationsSchema.meta({
    description:
      'The answers, one per task the volunteer reached, in order: [{ "task": <task key>, "value": ..., "unsure": true }], "unsure" only on a transcription whose volunteer asks the team to check it ' +
      '("I\'m not sure: ask the team to check this"; its consensus then needs checking; false or left out, they do not). The value by task type: ' +
      'single, the chosen answer\'s value (a string); multiple, the chosen answers\' values (an array of strings); ' +
      'transcription, the text (lines separated by \\n; each of the task\'s textTags, [tag]…[/tag], closed after it opens, a tag opened inside another closed first, never opened inside itself, in lower case); close-reading, { "sense": <a sense\'s value>, "evidence": [[start, end], …] } ' +
      '(evidence: character spans of the subject\'s text, when the task takes it), or { "sense": null, "unsure": true } for "not sure"; ' +
      'tagging, { "add": [tags proposed], "up": [others\' tags agreed with], "down": [others\' tags disagreed with] }; ' +
      'fields, { <field key>: <its value, "" for blank>, … }; ' +
      'marking, the marks in the order drawn, [] for none: [{ "tool": <a tool\'s key>, "x": 120, "y": 340 }] for a point, with "width" and "height" for a rectangle (x, y its top-left corner, in pixels of the subject\'s first image). ' +
      'Checked against the tasks of workflowVersion: each error names the pointer of the value at fault.',
  }),
  startedAt: classifyingTime.optional().meta({ description: `When the volunteer started: at most ${CLOCK_SKEW_ALLOWANCE_MINUTES} minutes ahead of the server's clock, and not after finishedAt` }),
  finishedAt: classifyingTime.optional().meta({ description: `When the volunteer finished: at most ${CLOCK_SKEW_ALLOWANCE_MINUTES} minutes ahead of the server's clock` }),
  metadata: metadataSchema('keep what describes the classifying, such as the device or the tool, not the answer').default({}),
}).refine(
  // Compared only when both are dates: a bad one ("yesterday") is named by its own error alone.
  ({ startedAt, finishedAt }) => !startedAt || !finishedAt || !(Date.parse(startedAt) > Date.parse(finishedAt)),
  {
  path: ['finishedAt'],
  message: 'must not be before startedAt (both come from the same clock)',
  },
);
export type ClassificationInput = z.infer<typeof classificationSchema>;

export const idempotencyKeySchema = idempotencyKeyOf('is required: send a fresh random key (a UUID) with each new classification, and the same key on a retry');
