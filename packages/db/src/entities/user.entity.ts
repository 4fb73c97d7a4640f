import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type UserKind = 'registered' | 'guest';

/** A volunteer or researcher. Guests are users without credentials, so they too never see a subject twice. */
@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 16 }) kind!: UserKind;
  @Index('users_email_key', { unique: true, where: 'email IS NOT NULL' })
  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;
  @Column({ type: 'varchar', length: 100 }) displayName!: string;
  @Column({ type: 'varchar', length: 200, nullable: true, select: false }) passwordHash!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
