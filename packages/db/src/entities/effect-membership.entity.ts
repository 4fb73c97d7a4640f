import type { RoutingDecision } from '@chorus/tasks';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Subject, SubjectSet } from './subject.entity';
import { Workflow } from './workflow.entity';

/**
 * A subject a workflow's effect put in a subject set (`routeSubject`): it was not in the set when the effect fired, or
 * only through other workflows' effects. Only such a membership can be undone by routing, when the workflow's consensus
 * for the subject no longer meets the effect; one a researcher made (an upload, before or after) never is. One row per
 * workflow, subject and set, kept once the subject has left the set (`leftAt`), for the record; taken again if the
 * effect puts it back.
 */
@Entity('effect_memberships')
/** The memberships in a set of a subject, whichever workflow's effects made them (and, for the foreign key, a set's). */
@Index('effect_memberships_set_subject_idx', ['subjectSetId', 'subjectId'])
/** A workflow's memberships: the routing columns of its consensus download, and its deletion's cascade. */
@Index('effect_memberships_workflow_idx', ['workflowId', 'subjectId'])
export class EffectMembership {
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The workflow whose effect put the subject in the set. */
  @PrimaryColumn('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @PrimaryColumn('uuid') subjectSetId!: string;
  @ManyToOne(() => SubjectSet, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_set_id' }) subjectSet?: Relation<SubjectSet>;
  /** When the effect last put it there. */
  @Column({ type: 'timestamptz' }) addedAt!: Date;
  /** When it left the set since (its consensus no longer met the effect, or a researcher took it out); null while it is in. */
  @Column({ type: 'timestamptz', nullable: true }) leftAt!: Date | null;
  /**
   * The researcher who took the subject out of the set, ending the membership (at `leftAt`): the record of their
   * removal, kept whatever happens to the subject after (an upload into the set again, another removal); null when
   * routing ended it, or while it is in.
   */
  @Column({ type: 'uuid', nullable: true }) removedBy!: string | null;
  /**
   * What decided the routing when the effect last put the subject in the set: the effect's condition and the consensus
   * that met it (`routeSubject`); null for a membership made before Chorus recorded it.
   */
  @Column({ type: 'jsonb', nullable: true }) decidedBy!: RoutingDecision | null;
}

/**
 * A subject a researcher took out of a subject set (`DELETE /subject-sets/:id/subjects/:subjectId`): routing never puts
 * it back (`routeSubject`), whichever workflow's effect names the set, until a researcher adds it again (an upload into
 * the set, which deletes the row). One row per set and subject, the last removal's: what keeps routing off, not the
 * record of who removed it, which the membership it ended keeps (`EffectMembership.removedBy`).
 */
@Entity('subject_set_removals')
/** A subject's removals, for the foreign key (a set's are found by the primary key). */
@Index('subject_set_removals_subject_idx', ['subjectId'])
export class SubjectSetRemoval {
  @PrimaryColumn('uuid') subjectSetId!: string;
  @ManyToOne(() => SubjectSet, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_set_id' }) subjectSet?: Relation<SubjectSet>;
  @PrimaryColumn('uuid') subjectId!: string;
  @ManyToOne(() => Subject, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subject_id' }) subject?: Relation<Subject>;
  /** The researcher who took it out (a user's id, kept if their account goes). */
  @Column('uuid') removedBy!: string;
  @Column({ type: 'timestamptz' }) removedAt!: Date;
}
