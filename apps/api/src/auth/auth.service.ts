import { Injectable } from '@nestjs/common';
import type { Session, SignIn } from '@chorus/client';
import { InjectRepository } from '@nestjs/typeorm';
import { User } from '@chorus/db';
import { randomInt } from 'node:crypto';
import type { Repository } from 'typeorm';
import { ProblemException, conflict, emailTaken } from '../common/problem';
import { AccountEmailService } from './account-email.service';
import type { AuthUser } from './auth.decorators';
import type { LoginInput, RegisterInput } from './dto/auth.dto';
import { UNIQUE_VIOLATION } from '../common/sql';
import { GuestWork } from './guest-work';
import { Passwords } from './passwords';
import { Tokens } from './tokens';

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly tokens: Tokens,
    private readonly passwords: Passwords,
    private readonly accountEmail: AccountEmailService,
    private readonly guestWork: GuestWork,
  ) {}

  /**
   * A new account; called with a guest's token, the guest becomes the account (same id), so their classifications,
   * and the subjects they have seen, are the account's.
   */
  async register(input: RegisterInput, caller?: AuthUser): Promise<Session> {
    const passwordHash = await this.passwords.hash(input.password);
    const account = { kind: 'registered' as const, email: input.email, displayName: input.displayName, passwordHash };
    const user = await (caller?.kind === 'guest' ? this.upgradeGuest(caller.id, account) : this.users.save(this.users.create(account))).catch((error: { code?: string }) => {
      if (error.code === UNIQUE_VIOLATION) throw emailTaken();
      throw error;
    });
    await this.accountEmail.sendVerification({ id: user.id, kind: 'registered' });
    return this.session(user);
  }

  private async upgradeGuest(id: string, account: Pick<User, 'kind' | 'email' | 'displayName' | 'passwordHash'>): Promise<User> {
    const { affected } = await this.users.update({ id, kind: 'guest' }, account);
    if (!affected) throw conflict('This guest is already an account (or is gone); sign in with POST /api/v1/auth/login instead.', 'guest-already-registered');
    return this.users.findOneByOrFail({ id });
  }

  /** Called with a guest's token, the guest's work becomes the account's (`GuestWork`), and the guest's tokens end. */
  async login(input: LoginInput, caller?: AuthUser): Promise<SignIn> {
    const user = await this.users.createQueryBuilder('user').addSelect('user.passwordHash').where('user.email = :email', { email: input.email }).getOne();
    if (!(await this.passwords.verify(input.password, user?.passwordHash)) || !user) {
      throw new ProblemException(401, 'The email or password is wrong.', [{ pointer: '/password', message: 'does not match this email' }]);
    }
    const session = await this.session(user);
    if (caller?.kind !== 'guest' || caller.id === user.id) return session;
    return { ...session, guestWork: await this.guestWork.carryInto(caller.id, user.id) };
  }

  /** An anonymous volunteer: a real user row, so that they too never see a subject twice. */
  async guest(): Promise<Session> {
    const user = await this.users.save(this.users.create({ kind: 'guest', displayName: `Guest ${randomInt(10_000, 99_999)}` }));
    return this.session(user);
  }

  private async session(user: User): Promise<Session> {
    // Unreachable: a deleted account has no email to sign in with, and is no guest.
    if (user.kind === 'deleted') throw new Error(`User ${user.id} is deleted and has no sessions`);
    return this.tokens.session({ id: user.id, kind: user.kind, displayName: user.displayName, email: user.email, emailVerified: Boolean(user.emailVerifiedAt) });
  }
}
