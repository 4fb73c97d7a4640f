import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A subject whose aggregation is owed: the submit that stores a classification adds its subject here in the same
 * statement, and the aggregation that accounts for it deletes the row in the same transaction. It is the
 * database's own record of the work Redis should hold, so nothing is lost while Redis is away, and it keeps that
 * lag off the hot row, whose updates then stay HOT (no index on `subject_workflow_status` changes on a submit).
 * No foreign keys, on purpose: their checks would lock the workflow's row once more in every submit, and a row
 * whose subject or workflow is gone is simply deleted by the next aggregation, which finds nothing to recompute.
 */
@Entity('aggregation_outbox')
export class AggregationOutbox {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  /** When the oldest classification not yet aggregated was stored: the aggregation lag starts here. */
  @Column({ type: 'timestamptz', default: () => 'now()' }) queuedAt!: Date;
}
