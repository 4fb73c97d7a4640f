import { Injectable, Logger } from '@nestjs/common';
import type { Session, SignIn } from '@chorus/client';
import { InjectRepository } from '@nestjs/typeorm';
import { User } from '@chorus/db';
import { randomInt } from 'node:crypto';
import type { Repository } from 'typeorm';
import { acceptedLanguage } from '../common/accept-language';
import { ProblemException, accountRequired } from '../common/problem';
import { Mailer } from '../mail/mailer';
import { AccountEmailService } from './account-email.service';
import { type SignInFrom, SignInLimits } from './address-limits';
import type { AuthUser } from './auth.decorators';
import type { LoginInput, RegisterInput } from './dto/auth.dto';
import { EndedSessions, type TokenSession } from './ended-sessions';
import { GuestWork } from './guest-work';
import { Passwords } from './passwords';
import { Tokens } from './tokens';

/** A new account, unless the email has one already (then nothing, and no row answered). */
const NEW_ACCOUNT = `INSERT INTO users (kind, email, display_name, password_hash, language, display) VALUES ('registered', $1, $2, $3, $4, $5)
  ON CONFLICT (email) WHERE email IS NOT NULL DO NOTHING RETURNING id`;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly tokens: Tokens,
    private readonly passwords: Passwords,
    private readonly accountEmail: AccountEmailService,
    private readonly mailer: Mailer,
    private readonly guestWork: GuestWork,
    private readonly signInLimits: SignInLimits,
    private readonly endedSessions: EndedSessions,
  ) {}

  /**
   * A new account, which signs in once its email is verified; the answer is the same whether or not the email has an
   * account already (that account's owner is mailed a notice instead), and so is the time it takes: the password is
   * hashed either way, and the account made after the answer, as the mail is (a row written, or not, must not show in
   * it). A guest's work goes into the account at its first sign-in (`login`). Its mails are worded in the language the
   * sign-up names, else in the most wanted of the request's Accept-Language that Chorus speaks, else in English (null);
   * its display is the one the sign-up names (chosen as a guest), else none.
   */
  async register(input: RegisterInput, acceptLanguage: string | undefined): Promise<void> {
    const language = input.language ?? acceptedLanguage(acceptLanguage) ?? null;
    const passwordHash = await this.passwords.hash(input.password);
    this.mailer.sendAfterAnswer(async () => {
      const [created] = await this.users.query<{ id: string }[]>(NEW_ACCOUNT, [input.email, input.displayName, passwordHash, language, input.display ?? null]);
      return this.accountEmail.signUpMail(input.email, created?.id);
    });
  }

  /**
   * Called with a guest's token, the guest's work becomes the account's (`GuestWork`), and the guest's tokens end. An
   * account whose email is not verified yet is refused as a wrong password is: else signing up with someone's email and
   * then signing in with the password just chosen would tell whether the email had an account. A refusal counts toward
   * the failed sign-ins of the account and of the address (`SignInLimits`), whether or not the email has an account.
   */
  async login(input: LoginInput, from: SignInFrom, caller?: AuthUser): Promise<SignIn> {
    const user = await this.signInLimits.counting(from, input.email, async () => {
      const found = await this.users.createQueryBuilder('user').addSelect('user.passwordHash').where('user.email = :email', { email: input.email }).getOne();
      if (!(await this.passwords.verify(input.password, found?.passwordHash)) || !found?.emailVerifiedAt) {
        throw new ProblemException(401, 'The email or password is wrong, or the email is not verified yet: open the link mailed to it at sign-up (or ask for a password-reset link, which verifies it too).', [
          { pointer: '/password', message: 'does not match this email, or the email is not verified yet' },
        ]);
      }
      return found;
    });
    await this.remakeHashIfCostChanged(user.id, input.password, user.passwordHash!);
    const session = await this.session(user);
    if (caller?.kind !== 'guest' || caller.id === user.id) return session;
    return { ...session, guestWork: await this.guestWork.carryInto(caller.id, user.id) };
  }

  /**
   * A password hash made at another cost than `PASSWORD_SCRYPT_N` is made again once its password is known (a sign-in),
   * unless the password was changed meanwhile: raising the setting raises every active account's protection.
   */
  private async remakeHashIfCostChanged(userId: string, password: string, stored: string): Promise<void> {
    if (!this.passwords.mustRemake(stored)) return;
    try {
      await this.users.query('UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3', [await this.passwords.hash(password), userId, stored]);
    } catch (error) {
      // The hash kept still signs in: the sign-in goes on, and the next one tries again.
      this.logger.warn(`a password hash was not made again at the cost set: ${(error as Error).message}`);
    }
  }

  /**
   * Signs the account out on the device that holds the token: its session's tokens stop working, the account's other
   * sessions go on. Again for a session signed out of already, nothing changes. A guest's token is its only way back to
   * its work, so a guest cannot sign out (as it cannot sign out everywhere): it signs in to an account instead.
   */
  async signOut(user: AuthUser, session: TokenSession): Promise<void> {
    if (user.kind !== 'registered') throw accountRequired();
    await this.endedSessions.end(session);
  }

  /**
   * An anonymous volunteer: a real user row, so that they too never see a subject twice, with the address it was made
   * from, whose guests together may hold only so many subjects of a workflow (MAX_OUTSTANDING_ASSIGNMENTS_PER_GUEST_ADDRESS).
   */
  async guest(address: string): Promise<Session> {
    const user = await this.users.save(this.users.create({ kind: 'guest', displayName: `Guest ${randomInt(10_000, 99_999)}`, guestAddress: address.slice(0, 64) }));
    return this.session(user);
  }

  private async session(user: User): Promise<Session> {
    // Unreachable: a deleted account has no email to sign in with, and is no guest.
    if (user.kind === 'deleted') throw new Error(`User ${user.id} is deleted and has no sessions`);
    return this.tokens.session({ id: user.id, kind: user.kind, displayName: user.displayName, email: user.email, emailVerified: Boolean(user.emailVerifiedAt) });
  }
}
