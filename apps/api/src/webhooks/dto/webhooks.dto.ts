import { WEBHOOK_EVENTS, WEBHOOK_LIMITS } from '@chorus/client';
import { z } from 'zod';
import { enumOf, pageLimitSchema, timeCursorSchema } from '../../common/zod';

/** Why an address cannot be a webhook's, or undefined when it can: http or https, and no user name or password in it. */
function addressProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a whole address, like https://example.org/chorus-events';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `must be an http or https address (not ${parsed.protocol.slice(0, -1)})`;
  if (parsed.username || parsed.password) return 'must not hold a user name or password: the receiver checks the Chorus-Signature header with the webhook’s secret instead';
  return undefined;
}

const urlSchema = z
  .string('must be the address Chorus POSTs the events to, like https://example.org/chorus-events')
  .trim()
  .max(WEBHOOK_LIMITS.urlLength, `must be at most ${WEBHOOK_LIMITS.urlLength} characters`)
  .superRefine((url, context) => {
    const problem = addressProblem(url);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const eventsSchema = z
  .array(enumOf(WEBHOOK_EVENTS, `must be one of ${WEBHOOK_EVENTS.join(', ')}`), `must be a list of the events to receive: ${WEBHOOK_EVENTS.join(', ')}`)
  .min(1, `choose at least one event: ${WEBHOOK_EVENTS.join(', ')}`)
  .max(WEBHOOK_EVENTS.length * 2, `lists an event more than once: give each of ${WEBHOOK_EVENTS.join(', ')} once at most`)
  .transform((events) => [...new Set(events)]);

/** A webhook a project's researchers register: where to POST, and which events. */
export const webhookInputSchema = z.strictObject({ url: urlSchema, events: eventsSchema });
export type WebhookInput = z.infer<typeof webhookInputSchema>;

/** A change of a webhook: its address, its events, whether it is on (its secret stays). */
export const webhookEditSchema = z.strictObject({
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  active: z.boolean('must be true (turn it back on) or false (turn it off)').optional(),
});
export type WebhookEdit = z.infer<typeof webhookEditSchema>;

/** The query of `GET /webhooks/:id/deliveries`: newest first, a page at a time. */
export const deliveriesQuerySchema = z.strictObject({
  limit: pageLimitSchema(WEBHOOK_LIMITS.deliveriesPerPage, 20),
  after: timeCursorSchema,
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuerySchema>;
