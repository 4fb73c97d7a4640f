import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Workflow } from './workflow.entity';

export type ExportState = 'queued' | 'running' | 'done' | 'failed';

/** A requested download of consensus or raw classifications. */
@Entity('exports')
export class Export {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @Column({ type: 'varchar', length: 32 }) kind!: 'consensus' | 'classifications';
  @Column({ type: 'varchar', length: 16 }) format!: 'csv' | 'json' | 'ndjson';
  @Column({ type: 'varchar', length: 16, default: 'queued' }) state!: ExportState;
  @Column({ type: 'text', nullable: true }) failureReason!: string | null;
  @Column({ type: 'double precision', default: 0 }) progress!: number;
  @Column({ type: 'int', default: 0 }) rows!: number;
  @Column('uuid') requestedBy!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}
