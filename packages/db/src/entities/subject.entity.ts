import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { SubjectLocation } from '@chorus/tasks';
import { Project } from './project.entity';

@Entity('subject_sets')
export class SubjectSet {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

@Entity('subjects')
@Index('subjects_project_external_id_key', ['projectId', 'externalId'], { unique: true, where: 'external_id IS NOT NULL' })
/**
 * The subjects whose externalId starts with a prefix (`LIKE 'abc%'`, a workflow's results searched), in a database of
 * any collation: on (project_id, external_id varchar_pattern_ops), which TypeORM cannot say, so built by its migration alone.
 */
@Index('subjects_external_id_prefix_idx', { synchronize: false })
export class Subject {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'jsonb' }) locations!: SubjectLocation[];
  @Column({ type: 'jsonb', default: {} }) metadata!: Record<string, unknown>;
  /** The institution's own identifier; unique within a project, so an upload can be repeated safely. */
  @Column({ type: 'varchar', length: 500, nullable: true }) externalId!: string | null;
  /** Known answers per task key, for gold-standard subjects. */
  @Column({ type: 'jsonb', nullable: true }) goldStandard!: Record<string, unknown> | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/** A subject can belong to several sets: workflow effects add subjects to further sets. */
@Entity('subject_set_members')
// A set's subjects in its order, a page at a time (researchers listing a set).
@Index('subject_set_members_order_idx', ['subjectSetId', 'position', 'subjectId'])
export class SubjectSetMember {
  @PrimaryColumn('uuid') subjectSetId!: string;
  @Index('subject_set_members_subject_idx')
  @PrimaryColumn('uuid')
  subjectId!: string;
  /** Order within the set, for sequential selection. */
  @Column({ type: 'bigint', default: 0 }) position!: string;
  @ManyToOne(() => SubjectSet, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_set_id' }) subjectSet?: Relation<SubjectSet>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
