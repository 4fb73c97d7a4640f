import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A re-aggregation of a workflow, as researchers look back on it: the API records it when a researcher asks for it,
 * the worker when it starts the run (a run Chorus starts itself is recorded then) and when it ends, so the list
 * outlives the queue's own history (which keeps the last thousand jobs of every workflow together, and nothing once
 * Redis is flushed). Keyed by the run's own id (a UUID the job carries), not by BullMQ's job number, which starts
 * again at 1 after Redis loses its keys.
 */
@Entity('reaggregation_runs')
@Index('reaggregation_runs_workflow_idx', ['workflowId', 'requestedAt'])
export class ReaggregationRunRecord {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  /** BullMQ's id of the run's job, once there is one (a request made while a run is active waits for it to end). */
  @Column({ type: 'varchar', length: 64, nullable: true }) jobId!: string | null;
  @Column('uuid') workflowId!: string;
  @Column({ type: 'varchar', length: 16 }) scope!: 'all' | 'unretired';
  /** Who asked for it, or saved the version that did: null for the runs Chorus starts itself (after re-learning skills). */
  @Column({ type: 'uuid', nullable: true }) requestedBy!: string | null;
  /** Why Chorus started it, when that is not its skills: `completion`, the workflow completed (or was finished). */
  @Column({ type: 'varchar', length: 16, nullable: true }) reason!: 'completion' | null;
  @Column({ type: 'timestamptz' }) requestedAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  /** `completed`, or `failed` once its last attempt failed. */
  @Column({ type: 'varchar', length: 16, nullable: true }) outcome!: 'completed' | 'failed' | null;
  /** Subjects recomputed, once it completed. */
  @Column({ type: 'int', nullable: true }) subjects!: number | null;
  /** Of those, once it completed, the subjects that left a set this workflow's effects had put them in (`routeSubject`). */
  @Column({ type: 'int', nullable: true }) routedOut!: number | null;
  @Column({ type: 'text', nullable: true }) failedReason!: string | null;
}
