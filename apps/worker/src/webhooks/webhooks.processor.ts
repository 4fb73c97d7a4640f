import { Injectable } from '@nestjs/common';
import type { JobPayload } from '@chorus/jobs';
import { DelayedError, type Job } from 'bullmq';
import { LoggedWorkerHost } from '../jobs/logged-worker-host';
import { type DeliveryOutcome, WebhookDeliveries } from './webhook-deliveries.service';

type DeliveryJob = Job<JobPayload<'webhooks', 'deliver-webhook'>>;

// Its queue and worker options: processorOf, in WorkerModule.
@Injectable()
export class WebhooksProcessor extends LoggedWorkerHost {
  constructor(private readonly deliveries: WebhookDeliveries) {
    super();
  }

  /**
   * Fails (and so is retried with backoff) while the receiver may yet take the event; the delivery's last attempt gives
   * up. A delivery another attempt holds waits until that hold lapses, spending none of the job's attempts.
   */
  async process(job: DeliveryJob, token?: string): Promise<DeliveryOutcome> {
    if (job.name !== 'deliver-webhook') throw new Error(`webhooks queue has no handler for job "${job.name}"`);
    const outcome = await this.deliveries.attempt(job.data.deliveryId);
    if (typeof outcome === 'string') return outcome;
    await job.moveToDelayed(outcome.heldUntil.getTime() + 1, token);
    throw new DelayedError();
  }
}
