import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Project } from './project.entity';
import { SubjectSet } from './subject.entity';

export type WorkflowStatus = 'draft' | 'active' | 'paused' | 'finished';

@Entity('workflows')
export class Workflow {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 16, default: 'draft' }) status!: WorkflowStatus;
  /** The newest version; volunteers are served this one. */
  @Column({ type: 'int' }) version!: number;
  /**
   * Whole-workflow re-aggregations asked for (a classified workflow's new version, a researcher's request) and the
   * last of them a finished run answered: while done < requested, one is owed, and the worker's reconciler enqueues it
   * if Redis lost the job (or a run failed for good). The queue alone forgets; Postgres keeps what is owed.
   */
  @Column({ type: 'int', default: 0 }) reaggregationsRequested!: number;
  @Column({ type: 'int', default: 0 }) reaggregationsDone!: number;
  /** When the owed run was last asked for, or last started again by the reconciler, and how often it was started again. */
  @Column({ type: 'timestamptz', nullable: true }) reaggregationRequestedAt!: Date | null;
  @Column({ type: 'int', default: 0 }) reaggregationRestarts!: number;
  /** Who asked for the owed run last (a new version's author, a researcher's request), so that a run the reconciler starts is theirs. */
  @Column({ type: 'uuid', nullable: true }) reaggregationRequestedBy!: string | null;
  /**
   * Since when the unretired subjects are owed a run with the volunteers' skills last learned (recorded with them, so a
   * pass cut short before it enqueues the run loses nothing); null once a run has started after them.
   */
  @Column({ type: 'timestamptz', nullable: true }) skillsReaggregationOwedAt!: Date | null;
  /**
   * Since when the workflow has been complete or finished, as the worker found it (`workflowCompleting`), which then
   * started the whole re-aggregation completion calls for; null while it is not, so completing again starts another.
   */
  @Column({ type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  /**
   * Complete or finished already when completions began to be told (migration 1797970000000), not recorded yet: the
   * worker records that completion telling nobody (`tellCompletion`), then clears this.
   */
  @Column({ type: 'boolean', default: false }) completionUntold!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/** An immutable snapshot of a workflow's definition; every classification records the version it answered. */
@Entity('workflow_versions')
export class WorkflowVersion {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn({ type: 'int' }) version!: number;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  /** The validated definition (packages/tasks WorkflowDefinition). */
  @Column({ type: 'jsonb' }) definition!: Record<string, unknown>;
  /** The researcher who saved it (null: saved before authors were recorded). */
  @Column({ type: 'uuid', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

@Entity('workflow_subject_sets')
export class WorkflowSubjectSet {
  @PrimaryColumn('uuid') workflowId!: string;
  @PrimaryColumn('uuid') subjectSetId!: string;
  /** Where `subjectSetIds` names it: `sequential` serves the sets in this order. */
  @Column({ type: 'int', default: 0 }) position!: number;
  /**
   * The member (position, then subject id) before which every member of the set is retired in the workflow (null: the
   * start of the set), where `sequential` order starts its walk. Kept by the database (migration `SequenceFronts`).
   */
  @Column({ type: 'bigint', nullable: true }) frontPosition!: string | null;
  @Column({ type: 'uuid', nullable: true }) frontSubjectId!: string | null;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @ManyToOne(() => SubjectSet, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_set_id' }) subjectSet?: Relation<SubjectSet>;
}
