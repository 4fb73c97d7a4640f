import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A subject handed to a volunteer and not yet classified. While it is outstanding the subject never reaches that
 * volunteer again (so prefetched batches never overlap) and counts toward the classifications the subject still
 * needs. Classifying deletes it; an abandoned one expires and the subject returns to the pool.
 * No foreign keys, on purpose: every queue request writes ten of these, and each key check would lock the workflow's,
 * the volunteer's and the subject's rows (the workflow's one row for every request at once). A row whose workflow,
 * volunteer or subject is gone serves nothing (the queue reads subjects through `subject_workflow_status`), though it
 * counts toward the volunteer's MAX_OUTSTANDING_ASSIGNMENTS until it expires and the reconciler deletes it.
 */
@Entity('assignments')
@Index('assignments_subject_idx', ['workflowId', 'subjectId', 'expiresAt'])
@Index('assignments_guest_address_idx', ['workflowId', 'guestAddress'], { where: 'guest_address IS NOT NULL' })
export class Assignment {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') userId!: string;
  @PrimaryColumn('uuid') subjectId!: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) assignedAt!: Date;
  @Column({ type: 'timestamptz' }) expiresAt!: Date;
  /**
   * A guest's hold: the address the guest was made from (`User.guestAddress`, stamped by `assign_picked_subjects`), so
   * that the live holds of an address's guests in a workflow are counted by one index
   * (MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS); null for accounts, and guests without one.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  guestAddress!: string | null;
}
