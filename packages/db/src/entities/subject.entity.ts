import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { SubjectLocation } from '@chorus/tasks';
import { Project } from './project.entity';
import { User } from './user.entity';

@Entity('subject_sets')
/** A set's name is its project's only, compared trimmed and case aside: on (project_id, lower(btrim(name))), which TypeORM cannot say, so built by its migration alone. */
@Index('subject_sets_project_name_key', { synchronize: false })
export class SubjectSet {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

@Entity('subjects')
@Index('subjects_project_external_id_key', ['projectId', 'externalId'], { unique: true, where: 'external_id IS NOT NULL' })
@Index('subjects_project_content_key_key', ['projectId', 'contentKey'], { unique: true, where: 'content_key IS NOT NULL' })
/**
 * The subjects whose externalId starts with a prefix (`LIKE 'abc%'`, a workflow's results searched), in a database of
 * any collation: on (project_id, external_id varchar_pattern_ops), which TypeORM cannot say, so built by its migration alone.
 */
@Index('subjects_external_id_prefix_idx', { synchronize: false })
/** A project's externalIds in natural order (`inNaturalOrder`): on (project_id, external_id COLLATE natural_order), built by its migration alone. */
@Index('subjects_external_id_natural_idx', { synchronize: false })
export class Subject {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') projectId!: string;
  @ManyToOne(() => Project, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'project_id' }) project?: Relation<Project>;
  @Column({ type: 'jsonb' }) locations!: SubjectLocation[];
  @Column({ type: 'jsonb', default: {} }) metadata!: Record<string, unknown>;
  /** The institution's own identifier; unique within a project, so an upload can be repeated safely. */
  @Column({ type: 'varchar', length: 500, nullable: true }) externalId!: string | null;
  /**
   * A text corpus's passage's own key (it has no externalId): its text's hash and which of the file's passages with
   * that text it is, so that the corpus sent again finds its passages in the project instead of adding them again.
   */
  @Column({ type: 'varchar', length: 80, nullable: true }) contentKey!: string | null;
  /** Known answers per task key, for gold-standard subjects. */
  @Column({ type: 'jsonb', nullable: true }) goldStandard!: Record<string, unknown> | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/**
 * A researcher's correction of a subject's locations: the same content at a new address (a moved IIIF server, a typo
 * in a URL), never other content. Classifications stored before it were shown `previousLocations`.
 */
@Entity('subject_location_changes')
@Index('subject_location_changes_subject_idx', ['subjectId', 'changedAt'])
export class SubjectLocationChange {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @Column({ type: 'jsonb' }) previousLocations!: SubjectLocation[];
  @Column({ type: 'jsonb' }) locations!: SubjectLocation[];
  /** The researcher who made it; null once their account is deleted (the record stays). */
  @Column({ type: 'uuid', nullable: true }) changedBy!: string | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL' }) @JoinColumn({ name: 'changed_by' }) changedByUser?: Relation<User>;
  @Column({ type: 'text' }) reason!: string;
  @CreateDateColumn({ type: 'timestamptz' }) changedAt!: Date;
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
  /**
   * The priority an upload into the set gave the subject (a file's `#priority` column, a JSON `priority`), null for
   * none: what it starts with in a workflow it joins through this set, one linked later too.
   */
  @Column({ type: 'double precision', nullable: true }) priority!: number | null;
  @ManyToOne(() => SubjectSet, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_set_id' }) subjectSet?: Relation<SubjectSet>;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
