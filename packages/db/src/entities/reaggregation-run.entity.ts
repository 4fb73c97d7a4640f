import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A re-aggregation of a workflow, as researchers look back on it: the worker records it when it starts the run and
 * when the run ends, so the list outlives the queue's own history (which keeps the last thousand jobs of every
 * workflow together, and nothing once Redis is flushed). Keyed by the run's job id, which is made unique (a UUID).
 */
@Entity('reaggregation_runs')
@Index('reaggregation_runs_workflow_idx', ['workflowId', 'requestedAt'])
export class ReaggregationRunRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  @Column('uuid') workflowId!: string;
  @Column({ type: 'varchar', length: 16 }) scope!: 'all' | 'unretired';
  /** Who asked for it: null for the runs Chorus starts itself (a new workflow version, re-learned skills, a restart). */
  @Column({ type: 'uuid', nullable: true }) requestedBy!: string | null;
  @Column({ type: 'timestamptz' }) requestedAt!: Date;
  @Column({ type: 'timestamptz', default: () => 'now()' }) startedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  /** `completed`, or `failed` once its last attempt failed. */
  @Column({ type: 'varchar', length: 16, nullable: true }) outcome!: 'completed' | 'failed' | null;
  /** Subjects recomputed, once it completed. */
  @Column({ type: 'int', nullable: true }) subjects!: number | null;
  @Column({ type: 'text', nullable: true }) failedReason!: string | null;
}
