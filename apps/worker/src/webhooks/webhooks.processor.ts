import { Injectable } from '@nestjs/common';
import type { JobPayload } from '@chorus/jobs';
import type { Job } from 'bullmq';
import { LoggedWorkerHost } from '../jobs/logged-worker-host';
import { type DeliveryOutcome, WebhookDeliveries } from './webhook-deliveries.service';

type DeliveryJob = Job<JobPayload<'webhooks', 'deliver-webhook'>>;

// Its queue and worker options: processorOf, in WorkerModule.
@Injectable()
export class WebhooksProcessor extends LoggedWorkerHost {
  constructor(private readonly deliveries: WebhookDeliveries) {
    super();
  }

  /** Fails (and so is retried with backoff) while the receiver may yet take the event; its last attempt gives up. */
  async process(job: DeliveryJob): Promise<DeliveryOutcome> {
    if (job.name !== 'deliver-webhook') throw new Error(`webhooks queue has no handler for job "${job.name}"`);
    return this.deliveries.attempt(job.data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
  }
}
