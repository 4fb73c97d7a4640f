import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A creation (a project, a subject set, a workflow) an account asked for with an `Idempotency-Key`: a retry with the
 * same key is answered with the first creation, and creates nothing. Kept a day (`createdAt`), then forgotten.
 */
@Entity('idempotent_requests')
@Index('idempotent_requests_created_idx', ['createdAt'])
export class IdempotentRequest {
  @PrimaryColumn('uuid') accountId!: string;
  /** The method and route, as `POST /api/v1/projects/:id/workflows`: a key is the account's per route. */
  @PrimaryColumn({ type: 'varchar', length: 200 }) route!: string;
  @PrimaryColumn({ type: 'varchar', length: 200 }) key!: string;
  /** SHA-256 (hex) of the route's parameters and body: the same key with another request is refused. */
  @Column({ type: 'char', length: 64 }) requestHash!: string;
  /** A random id the request that holds the key took it with: only that request stores its answer or releases the key. */
  @Column('uuid') claim!: string;
  /** The first answer, sent again to a retry. */
  @Column({ type: 'jsonb', nullable: true }) response!: unknown;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
