import { Body, Controller, Headers, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle, normalizeIp } from '@nestjs/throttler';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { sessionSchema, signInSchema, verifiedEmailSchema } from '@chorus/client';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { ApiRateLimited } from '../common/rate-limits';
import { AccountEmailService } from './account-email.service';
import { type AuthUser, OptionalUser, Public } from './auth.decorators';
import { AddressLimitGuard, INVITATIONS, NEW_VOLUNTEERS, PASSWORD_RESETS, SIGN_INS, type SignInFrom, SignInOrigin } from './address-limits';
import { AuthService } from './auth.service';
import {
  type EmailVerificationInput,
  type LoginInput,
  type PasswordResetInput,
  type PasswordResetRequest,
  type RegisterInput,
  emailVerificationSchema,
  loginSchema,
  passwordResetRequestSchema,
  passwordResetSchema,
  registerSchema,
} from './dto/auth.dto';

const OverNewVolunteers = () => ApiRateLimited('Over NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR guests and accounts made from one address');
const OverFailedSignIns = () =>
  ApiRateLimited(
    'Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES refused attempts at the account from one address (a sign-in that succeeds does not count, and forgets those), or over FAILED_SIGN_INS_PER_ADDRESS_PER_15_MINUTES sign-ins refused from the address whatever the account (the same whether or not the email has one)',
  );
const OverPasswordResets = () =>
  ApiRateLimited(
    'Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES attempts at the account from one address, or over PASSWORD_RESETS_PER_ADDRESS_PER_HOUR links asked for from the address whatever the email (the same whether or not it has an account)',
  );

@ApiTags('auth')
@Controller('auth')
@Public()
@UseGuards(AddressLimitGuard)
@SkipThrottle({ [INVITATIONS]: true, [PASSWORD_RESETS]: true })
export class AuthController {
  constructor(private readonly auth: AuthService, private readonly accountEmail: AccountEmailService) {}

  /**
   * The same answer whether or not the email has an account (nobody learns from it who volunteers here): the new
   * account signs in once it opens the link mailed to it; an existing account's owner is mailed a notice instead.
   */
  @Post('register')
  @ApiOperation({
    summary: 'Creates an account and mails a link to verify its email (no token needed).',
    description: 'Body: `email`, `password`, `displayName`, and optionally `language` (`en`, `fr` or `de`), the one the account’s mails are worded in: else the most wanted of the request’s Accept-Language (by its `q`) that Chorus mails in, else English (the account changes it with PATCH /account). Always 202 with no body, whether or not the email has an account, so nobody learns from it who volunteers here: a new account is mailed a link to verify its email, an email that has an account is mailed a notice instead. The account signs in (POST /auth/login) once the link is opened (POST /auth/email-verification). Refusals: 422 `urn:chorus:problem:validation-failed` naming each bad field; 429 `urn:chorus:problem:too-many-requests` over NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR, with Retry-After.',
  })
  @HttpCode(202)
  @SkipThrottle({ [SIGN_INS]: true })
  @OverNewVolunteers()
  @ApiZodBody(registerSchema)
  @ApiAcceptedResponse({
    description:
      "No body, whether or not the email has an account. A new account is made, and mailed a link to verify its email; it signs in (POST /auth/login, with a guest's token to carry the guest's work) once that link is opened. An email that has an account already is mailed a notice saying someone tried to sign up with it.",
  })
  @ApiProblemResponse()
  async register(@Body(new ZodPipe(registerSchema)) input: RegisterInput, @Headers('accept-language') acceptLanguage?: string): Promise<void> {
    await this.auth.register(input, acceptLanguage);
  }

  @Post('login')
  @ApiOperation({
    summary: 'Signs in to an account with its email and password, answering a bearer token (no token needed).',
    description: 'The token goes in `Authorization: Bearer <token>` on every other call, and works for TOKEN_TTL_SECONDS (30 days by default) unless the session is signed out first (POST /auth/sign-out), the password changes or the account signs out everywhere. Sent with a guest’s bearer token, the guest’s work becomes the account’s (`guestWork`). Refusals: 401 `urn:chorus:problem:unauthorized` (at `/password`) for a wrong email or password, and for an account whose email is not verified yet (the same answer, so it tells nothing about who has an account); 429 `urn:chorus:problem:too-many-requests` with Retry-After.',
  })
  @SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: true })
  @OverFailedSignIns()
  @HttpCode(200)
  @ApiZodBody(loginSchema)
  @ApiZodResponse(signInSchema, {
    description:
      "A bearer token for the account. Sent with a guest's bearer token, the guest's classifications, reports of subjects and favourites become the account's (`guestWork.classifications` says how many; those of subjects the account classified itself stay the guest's, counted in `guestWork.alreadyClassified`), its holds are released and its tokens end. The classifications carried count as the account's do: where a project excludes the guest from its consensus and not the account, or the reverse, their subjects are counted again and aggregated again, as after a lift or an exclusion.",
  })
  login(@Body(new ZodPipe(loginSchema)) input: LoginInput, @SignInOrigin() from: SignInFrom, @OptionalUser() caller?: AuthUser) {
    return this.auth.login(input, from, caller);
  }

  /** Opened from a mailed link, on any device: no token needed, the link's is enough. */
  @Post('email-verification')
  @ApiOperation({
    summary: 'Verifies an account’s email with the token of the link Chorus mailed (no bearer token needed).',
    description: 'Body: `{ "token" }`, the part of the mailed link after `#token=`. The link of a sign-up verifies the account’s email, after which it may sign in; the link of an email change makes the new email the one it signs in with, and drops the news and discussion mails not yet sent to the old one. Refusals: 422 `urn:chorus:problem:validation-failed` at `/token` for a link Chorus did not mail, one older than 7 days, or one for an email change the account no longer waits for (ask for a new one: POST /account/email-verification).',
  })
  @HttpCode(200)
  @SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: true })
  @ApiZodBody(emailVerificationSchema)
  @ApiZodResponse(verifiedEmailSchema, { description: "The email is the account's, verified (after a change of email: the one it now signs in with)" })
  verifyEmail(@Body(new ZodPipe(emailVerificationSchema)) { token }: EmailVerificationInput) {
    return this.accountEmail.verify(token);
  }

  /** Counts toward the sign-in limit of the account the email names, as a sign-in would, and the address's own. */
  @Post('password-reset')
  @ApiOperation({
    summary: 'Mails a link to set a new password, if the email has an account (no token needed).',
    description: 'Body: `{ "email" }`. Always 202 with no body, whether or not the email has an account. The link (valid for an hour) is opened with POST /auth/password-reset/confirm, and verifies the email too. Refusals: 422 `urn:chorus:problem:validation-failed` for a malformed email; 429 `urn:chorus:problem:too-many-requests` with Retry-After over the limits below.',
  })
  @HttpCode(202)
  @SkipThrottle({ [NEW_VOLUNTEERS]: true, [PASSWORD_RESETS]: false })
  @OverPasswordResets()
  @ApiZodBody(passwordResetRequestSchema)
  @ApiAcceptedResponse({ description: 'If the email has an account, a link to set a new password is mailed to it (one link a minute); the answer is the same either way' })
  @ApiProblemResponse()
  requestPasswordReset(@Body(new ZodPipe(passwordResetRequestSchema)) { email }: PasswordResetRequest): void {
    this.accountEmail.requestPasswordReset(email);
  }

  @Post('password-reset/confirm')
  @ApiOperation({
    summary: 'Sets a new password with the token of a mailed password-reset link, answering a new bearer token (no token needed).',
    description: 'Body: `{ "token", "newPassword" }`. Every token issued before, on any device, stops working (API keys do not); the account’s email is told, in the same transaction. Refusals: 422 `urn:chorus:problem:validation-failed` at `/token` for a link Chorus did not mail, one older than an hour, or one used already (or the account changed its password or email since): ask for a new one; at `/newPassword` for a password too short or too long.',
  })
  @HttpCode(200)
  @SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: true })
  @ApiZodBody(passwordResetSchema)
  @ApiZodResponse(sessionSchema, { description: 'The new password is set, every token issued before no longer works, and this is a new one' })
  resetPassword(@Body(new ZodPipe(passwordResetSchema)) { token, newPassword }: PasswordResetInput) {
    return this.accountEmail.resetPassword(token, newPassword);
  }

  @Post('guest')
  @ApiOperation({
    summary: 'Makes a guest volunteer and answers its bearer token (no token needed, no body).',
    description: 'A guest classifies, reports and marks favourites like an account, but has no email or password: its token is its only way back to its work. Signing in to an account with the guest’s token (POST /auth/login) carries its work into the account. Refusals: 429 `urn:chorus:problem:too-many-requests` over NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR from one address, with Retry-After.',
  })
  @SkipThrottle({ [SIGN_INS]: true })
  @OverNewVolunteers()
  @ApiZodResponse(sessionSchema, { status: 201, description: 'A new guest volunteer and its bearer token' })
  guest(@Ip() address: string) {
    // The address as NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR counts it: an IPv6 /64 is one.
    return this.auth.guest(normalizeIp(address));
  }
}
