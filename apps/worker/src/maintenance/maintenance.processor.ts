import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { JobName } from '@chorus/jobs';
import type { Job, Queue } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/config';
import { CompletionService } from '../reaggregation/completion.service';
import { SkillsService } from '../skills/skills.service';
import { ReconcilerService } from './reconciler.service';
import { LoggedWorkerHost } from '../jobs/logged-worker-host';
import { WebhookDeliveries } from '../webhooks/webhook-deliveries.service';

/** Scheduled upkeep. Every worker upserts the schedules at boot (and whenever Redis has lost them); there is still one schedule. */
// Its queue and worker options: processorOf, in WorkerModule.
@Injectable()
export class MaintenanceProcessor extends LoggedWorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private watch?: NodeJS.Timeout;
  /**
   * The check under way: while Redis is away its commands wait for it, and checks started meanwhile would all find the
   * schedules missing at once when it returns, each warning of it.
   */
  private checking?: Promise<void>;

  constructor(
    private readonly reconciler: ReconcilerService,
    private readonly skills: SkillsService,
    private readonly completion: CompletionService,
    private readonly webhooks: WebhookDeliveries,
    @InjectQueue('maintenance') private readonly maintenance: Queue,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    // A Redis that restarts empty forgets the schedules, and the reconciler must come back with it.
    this.watch = setInterval(() => {
      this.checking ??= this.scheduleIfForgotten()
        .catch((error: Error) => this.logger.warn(`could not check maintenance schedules: ${error.message}`))
        .finally(() => {
          this.checking = undefined;
        });
    }, this.config.reconcileEveryMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.watch);
  }

  private async scheduleIfForgotten(): Promise<void> {
    const schedules = await Promise.all(Object.keys(this.every()).map((name) => this.maintenance.getJobScheduler(name)));
    if (schedules.every(Boolean)) return;
    this.logger.warn('maintenance schedules were missing from Redis (restarted empty?); creating them again');
    await this.schedule();
  }

  /** Upserts are idempotent: running this on every (re)connection keeps exactly one schedule per job. */
  private async schedule(): Promise<void> {
    for (const [name, ms] of Object.entries(this.every())) await this.maintenance.upsertJobScheduler(name, { every: ms }, { name, data: {} });
  }

  /** How often each maintenance job runs. */
  private every(): Record<JobName<'maintenance'>, number> {
    return { 'reconcile-aggregation': this.config.reconcileEveryMs, 'estimate-skills': this.config.skillsEveryMs };
  }

  async process(job: Job): Promise<number> {
    switch (job.name as JobName<'maintenance'>) {
      case 'reconcile-aggregation': {
        await this.reconciler.sweepExpiredAssignments();
        const enqueued = await this.reconciler.enqueueLagging();
        if (enqueued) this.logger.log(`reconciler enqueued aggregation of ${enqueued} workflows with subjects long in the outbox`);
        const owed = await this.reconciler.enqueueOwedReaggregations();
        if (owed) this.logger.log(`reconciler enqueued ${owed} owed re-aggregations that the queue had no run for`);
        const stamped = await this.reconciler.finishClassificationStamps();
        if (stamped) this.logger.log(`reconciler stamped the classifications of ${stamped} deleted accounts that were owed theirs`);
        const completed = await this.completion.reaggregateCompleted();
        if (completed) this.logger.log(`reconciler started the run on completion of ${completed} workflows that no aggregation had found complete`);
        const deliveries = await this.webhooks.enqueueLost(this.config.reconcileGraceMs);
        if (deliveries) this.logger.log(`reconciler enqueued ${deliveries} webhook deliveries whose job was lost`);
        const pruned = await this.webhooks.prune();
        if (pruned) this.logger.log(`reconciler forgot ${pruned} webhook deliveries long delivered or given up on`);
        return enqueued + owed + stamped + completed + deliveries + pruned;
      }
      case 'estimate-skills':
        return this.skills.estimateAll();
      default:
        throw new Error(`maintenance queue has no handler for job "${job.name}"`);
    }
  }
}
