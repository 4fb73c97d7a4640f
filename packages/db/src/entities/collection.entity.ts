import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { Subject } from './subject.entity';
import { User } from './user.entity';

/**
 * A volunteer's named collection of subjects (Zooniverse's "Collections"): finds gathered from any project, kept
 * private or shared with everyone by its address. One account's; gone with it.
 */
@Entity('collections')
/** An account's collections, newest first, a page at a time; and for the foreign key. */
@Index('collections_user_recent_idx', ['userId', 'createdAt', 'id'])
export class Collection {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @Column({ type: 'varchar', length: 100 }) name!: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) description!: string | null;
  /** Readable by everyone, guests and signed-out readers too; else its owner's only. */
  @Column({ type: 'boolean', default: false }) public!: boolean;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/** A subject in a collection, once; gone with the collection or the subject. */
@Entity('collection_subjects')
/** A collection's subjects, newest first, a page at a time. */
@Index('collection_subjects_recent_idx', ['collectionId', 'createdAt', 'subjectId'])
/** For the foreign key: deleting a subject looks here. */
@Index('collection_subjects_subject_idx', ['subjectId'])
export class CollectionSubject {
  @PrimaryColumn('uuid') collectionId!: string;
  @ManyToOne(() => Collection, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'collection_id' }) collection?: Relation<Collection>;
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
