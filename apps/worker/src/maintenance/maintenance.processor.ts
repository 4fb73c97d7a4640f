import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type JobName, workerConcurrency } from '@chorus/jobs';
import type { Job, Queue } from 'bullmq';
import { WORKER_CONFIG, type WorkerConfig } from '../config/config';
import { SkillsService } from '../skills/skills.service';
import { ReconcilerService } from './reconciler.service';

/** Scheduled upkeep. Schedulers are upserted at boot, so every worker may do it and there is still one schedule. */
@Processor('maintenance', { concurrency: workerConcurrency.maintenance })
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(
    private readonly reconciler: ReconcilerService,
    private readonly skills: SkillsService,
    @InjectQueue('maintenance') private readonly maintenance: Queue,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const schedule: Record<JobName<'maintenance'>, number> = {
      'reconcile-aggregation': this.config.reconcileEveryMs,
      'estimate-skills': this.config.skillsEveryMs,
    };
    for (const [name, every] of Object.entries(schedule)) await this.maintenance.upsertJobScheduler(name, { every }, { name, data: {} });
  }

  async process(job: Job): Promise<number> {
    switch (job.name as JobName<'maintenance'>) {
      case 'reconcile-aggregation': {
        await this.reconciler.sweepExpiredAssignments();
        const enqueued = await this.reconciler.enqueueLagging();
        if (enqueued) this.logger.log(`reconciler enqueued aggregation of ${enqueued} lagging subjects`);
        return enqueued;
      }
      case 'estimate-skills':
        return this.skills.estimateAll();
      default:
        throw new Error(`maintenance queue has no handler for job "${job.name}"`);
    }
  }
}
