import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { type StoredTaskConsensus, taskConsensusView } from '@chorus/consensus';
import { ADMINISTRATOR_ROLES } from '@chorus/client';
import { countDeliveryEnd, forgetReplacedSecrets, pruneWebhookDeliveries, waitingWebhookDeliveries } from '@chorus/db';
import { WEBHOOK_ATTEMPTS, WEBHOOK_LONGEST_BACKOFF_MS, webhookDeliveryJob } from '@chorus/jobs';
import { throttledWarning } from '@chorus/runtime';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { WEBHOOK_TIMEOUT_MS, type WebhookAnswer, WebhookSender, webhookSignature } from './webhook-sender';

/** A delivery claimed for an attempt, with its webhook's address and secret (and the one a rotation replaced, while it still signs). */
interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  event: string;
  data: Record<string, unknown>;
  created_at: Date;
  url: string;
  secret: string;
  previous_secret: string | null;
  attempts: number;
}

/**
 * What an attempt came to: `none`, the delivery was delivered or given up on already (a job run again), is gone with
 * its webhook, or was given up on unsent, its webhook turned off; `heldUntil`, another attempt holds it until then (a job run twice, or a worker that died mid-send).
 */
export type DeliveryOutcome = 'delivered' | 'failed' | 'none' | { heldUntil: Date };

/** An attempt that may succeed later (a network error, a timeout, 429 or 5xx): its job is retried with backoff. */
export class WebhookRetry extends Error {}

/** A claim outlives the longest attempt, so that one job run twice at once sends once. */
const CLAIM = `now() + make_interval(secs => ${(WEBHOOK_TIMEOUT_MS * 6) / 1000})`;

/** A delivery neither delivered nor given up on, which no attempt holds. */
const UNCLAIMED = 'd.delivered_at IS NULL AND d.failed_at IS NULL AND (d.claimed_until IS NULL OR d.claimed_until < now())';

/** Whether an answer is worth another attempt: none at all (but for an address refused), too many requests, or the receiver's own failure. */
const retryable = (answer: WebhookAnswer) => ('error' in answer ? !answer.refused : answer.status === 429 || answer.status >= 500);

/** What a delivery's receiver is sent of what was kept: a retirement's consensus as the results API gives it. */
function payloadOf(data: Record<string, unknown>): Record<string, unknown> {
  const consensus = data.consensus as Record<string, StoredTaskConsensus> | undefined;
  if (!consensus) return data;
  return { ...data, consensus: Object.fromEntries(Object.entries(consensus).map(([task, stored]) => [task, taskConsensusView(stored)])) };
}

/**
 * Sends the deliveries kept in `webhook_deliveries`, one attempt per job run, each attempt counted on its row with its
 * status or error. A delivery is claimed before it is sent and sent only if neither delivered nor given up on.
 */
@Injectable()
export class WebhookDeliveries {
  private readonly logger = new Logger(WebhookDeliveries.name);
  private readonly warnOfFailedAdd = throttledWarning((message) => this.logger.warn(message));

  constructor(private readonly db: DataSource, private readonly sender: WebhookSender, @InjectQueue('webhooks') private readonly webhooks: Queue) {}

  /** One attempt at the delivery; throws `WebhookRetry` when it is worth another and it was not the delivery's last (`WEBHOOK_ATTEMPTS`). */
  async attempt(deliveryId: string): Promise<DeliveryOutcome> {
    const delivery = await this.claim(deliveryId);
    if (!delivery || 'heldUntil' in delivery) return delivery ?? 'none';
    const last = delivery.attempts >= WEBHOOK_ATTEMPTS;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: delivery.id, event: delivery.event, createdAt: delivery.created_at, timestamp, data: payloadOf(delivery.data) });
    const answer = await this.sender.post(delivery.url, body, {
      'Content-Type': 'application/json',
      'User-Agent': 'Chorus-Webhooks',
      'Chorus-Event': delivery.event,
      'Chorus-Delivery': delivery.id,
      'Chorus-Timestamp': String(timestamp),
      'Chorus-Signature': [delivery.secret, delivery.previous_secret].filter((secret) => secret !== null).map((secret) => webhookSignature(secret, body)).join(','),
    });
    const ok = 'status' in answer && answer.status >= 200 && answer.status < 300;
    const again = !ok && retryable(answer) && !last;
    const error = 'error' in answer ? answer.error : ok ? null : `answered ${answer.status}`;
    await this.db.transaction(async (manager) => {
      if (!again) await countDeliveryEnd(manager, delivery.webhook_id, { delivered: ok, error }, ADMINISTRATOR_ROLES);
      await manager.query(
        `UPDATE webhook_deliveries SET status_code = $2, error = $3, claimed_until = NULL,
           delivered_at = CASE WHEN $4 THEN now() END, failed_at = CASE WHEN NOT $4 AND NOT $5 THEN now() END
         WHERE id = $1`,
        [delivery.id, 'status' in answer ? answer.status : null, error, ok, again],
      );
    });
    if (again) throw new WebhookRetry(`delivery ${delivery.id}: ${error}`);
    return ok ? 'delivered' : 'failed';
  }

  /**
   * Asks for the deliveries kept by a commit to be sent. Should Redis not take them, the reconciler enqueues them later
   * (they wait in `webhook_deliveries`): so this never fails.
   */
  async enqueue(deliveryIds: readonly string[]): Promise<void> {
    if (!deliveryIds.length) return;
    try {
      await this.webhooks.addBulk(deliveryIds.map((id) => webhookDeliveryJob(id)));
    } catch (error) {
      this.warnOfFailedAdd(`could not enqueue ${deliveryIds.length} webhook deliveries (${(error as Error).message}); the reconciler will`);
    }
  }

  /**
   * Enqueues the deliveries whose job may have been lost (`waitingWebhookDeliveries`), each under the id of its
   * attempts made, so that one still queued stays the one. How many.
   */
  async enqueueLost(graceMs: number): Promise<number> {
    const lost = await waitingWebhookDeliveries(this.db, graceMs, WEBHOOK_LONGEST_BACKOFF_MS);
    if (lost.length) await this.webhooks.addBulk(lost.map(({ id, attempts }) => webhookDeliveryJob(id, attempts)));
    return lost.length;
  }

  /**
   * Forgets the deliveries long delivered or given up on (`pruneWebhookDeliveries`), a batch at a time, and the secrets
   * rotations replaced once they sign no more (`forgetReplacedSecrets`). How many deliveries.
   */
  async prune(): Promise<number> {
    await forgetReplacedSecrets(this.db);
    return pruneWebhookDeliveries(this.db);
  }

  /**
   * Claims the delivery for this attempt (and counts it); while another attempt holds it, when that hold lapses. One of
   * a webhook turned off is given up on unsent, counting no failure.
   */
  private async claim(deliveryId: string): Promise<ClaimedDelivery | { heldUntil: Date } | undefined> {
    const [[claimed]] = await this.db.query<[ClaimedDelivery[], number]>(
      `UPDATE webhook_deliveries d SET attempts = d.attempts + 1, attempted_at = now(), claimed_until = ${CLAIM}
       FROM webhooks h
       WHERE d.id = $1 AND h.id = d.webhook_id AND h.disabled_at IS NULL AND ${UNCLAIMED}
       RETURNING d.id, d.webhook_id, d.event, d.data, d.created_at, d.attempts, h.url, h.secret, CASE WHEN h.previous_secret_until > now() THEN h.previous_secret END AS previous_secret`,
      [deliveryId],
    );
    if (claimed) return claimed;
    await this.db.query(
      `UPDATE webhook_deliveries d SET failed_at = now(), error = 'not sent: the webhook is turned off' FROM webhooks h
       WHERE d.id = $1 AND h.id = d.webhook_id AND h.disabled_at IS NOT NULL AND ${UNCLAIMED}`,
      [deliveryId],
    );
    const [held]: { claimed_until: Date }[] = await this.db.query(
      'SELECT claimed_until FROM webhook_deliveries WHERE id = $1 AND delivered_at IS NULL AND failed_at IS NULL AND claimed_until >= now()',
      [deliveryId],
    );
    return held ? { heldUntil: held.claimed_until } : undefined;
  }
}
