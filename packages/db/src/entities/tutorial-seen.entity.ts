import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from './user.entity';
import { Workflow } from './workflow.entity';

/**
 * A workflow whose tutorial an account has seen (and closed): not shown again on its first visit, on any device the
 * account signs in on. One per account and workflow. Guests keep theirs in the browser.
 */
@Entity('tutorials_seen')
/** For the foreign key: deleting a workflow looks here. */
@Index('tutorials_seen_workflow_idx', ['workflowId'])
export class TutorialSeen {
  @PrimaryColumn('uuid') userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @PrimaryColumn('uuid') workflowId!: string;
  @ManyToOne(() => Workflow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'workflow_id' }) workflow?: Relation<Workflow>;
  @CreateDateColumn({ type: 'timestamptz' }) seenAt!: Date;
}
