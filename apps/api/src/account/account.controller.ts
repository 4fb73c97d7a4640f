import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { accountViewSchema, contributionSchema, memberViewSchema, ownInvitationListSchema, sessionSchema } from '@chorus/client';
import { AddressLimitGuard, CountsAsSignInOfCaller, INVITATIONS, NEW_VOLUNTEERS, PASSWORD_RESETS, SIGN_INS } from '../auth/address-limits';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { AccountEmailService } from '../auth/account-email.service';
import { InvitationsService } from '../members/invitations.service';
import { AccountService } from './account.service';
import {
  type AccountChange,
  type AccountDeletion,
  type EmailChange,
  type PasswordChange,
  accountChangeSchema,
  accountDeletionSchema,
  emailChangeSchema,
  passwordChangeSchema,
} from './dto/account.dto';

/** Invitations wait for the account's owner to show the email is theirs. */
const UnverifiedRefused = () => ApiForbiddenResponse({ description: "email-unverified: the account's email is not verified yet (invitations wait for that)" });

@ApiTags('account')
@ApiBearerAuth()
@Controller('account')
@UseGuards(AddressLimitGuard)
@SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: true, [INVITATIONS]: true, [PASSWORD_RESETS]: true })
export class AccountController {
  constructor(private readonly account: AccountService, private readonly accountEmail: AccountEmailService, private readonly invitations: InvitationsService) {}

  @Get()
  @ApiZodResponse(accountViewSchema, { description: "The caller's account (or guest)" })
  view(@CurrentUser() user: AuthUser) {
    return this.account.view(user);
  }

  @Get('contribution')
  @ApiZodResponse(contributionSchema, { description: 'What the caller has classified: in all, and by project (the 100 classified in most recently)' })
  contribution(@CurrentUser() user: AuthUser) {
    return this.account.contribution(user);
  }

  @Patch()
  @ApiZodBody(accountChangeSchema)
  @ApiZodResponse(accountViewSchema, { description: 'The account, renamed (accounts only: a guest gets 403 account-required)' })
  rename(@Body(new ZodPipe(accountChangeSchema)) { displayName }: AccountChange, @CurrentUser() user: AuthUser) {
    return this.account.rename(user, displayName);
  }

  @Post('password')
  @HttpCode(200)
  @CountsAsSignInOfCaller()
  @ApiTooManyRequestsResponse({ description: 'Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES wrong or right passwords from one address' })
  @ApiZodBody(passwordChangeSchema)
  @ApiZodResponse(sessionSchema, { description: 'The new token: every token issued before, on any device, no longer works' })
  changePassword(@Body(new ZodPipe(passwordChangeSchema)) change: PasswordChange, @CurrentUser() user: AuthUser) {
    return this.account.changePassword(user, change);
  }

  @Post('email-verification')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: "The link that verifies the account's email is mailed again (409 email-already-verified)" })
  @ApiTooManyRequestsResponse({ description: 'Within a minute of the last link mailed to the account' })
  @ApiProblemResponse()
  async sendEmailVerification(@CurrentUser() user: AuthUser): Promise<void> {
    await this.accountEmail.sendVerification(user);
  }

  @Post('email')
  @HttpCode(202)
  @CountsAsSignInOfCaller()
  @ApiZodBody(emailChangeSchema)
  @ApiAcceptedResponse({
    description: 'A link is mailed to the new email, and a notice to the current one; the account signs in with the new email once the link is opened. The answer is the same when the new email has an account: its owner is told instead, and no link is made',
  })
  @ApiTooManyRequestsResponse({ description: 'Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES password checks from one address, or within a minute of the last link mailed to the account' })
  @ApiProblemResponse()
  async changeEmail(@Body(new ZodPipe(emailChangeSchema)) change: EmailChange, @CurrentUser() user: AuthUser): Promise<void> {
    await this.account.changeEmail(user, change);
  }

  @Post('sign-out-everywhere')
  @HttpCode(204)
  @ApiNoContentResponse({ description: "Every token of the account, the caller's too, no longer works (within 30 seconds on every API process)" })
  @ApiProblemResponse()
  signOutEverywhere(@CurrentUser() user: AuthUser) {
    return this.account.signOutEverywhere(user);
  }

  @Delete()
  @HttpCode(204)
  @CountsAsSignInOfCaller()
  @ApiTooManyRequestsResponse({ description: 'Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES wrong or right passwords from one address' })
  @ApiZodBody(accountDeletionSchema)
  @ApiNoContentResponse({
    description:
      "Deleted: the account's email, password, name, tokens, memberships, holds and favourites are gone, and so are the free-text notes of its subject reports (each report's reason stays, under its id); its classifications stay, with no one's name, and come again in incremental downloads (`since=`) without it; names researchers downloaded before are out of Chorus's reach (409 owns-projects for an owner of projects)",
  })
  @ApiProblemResponse()
  delete(@Body(new ZodPipe(accountDeletionSchema)) { password }: AccountDeletion, @CurrentUser() user: AuthUser) {
    return this.account.delete(user, password);
  }

  @Get('invitations')
  @UnverifiedRefused()
  @ApiZodResponse(ownInvitationListSchema, { description: "Invitations to join projects addressed to the caller's email, newest first (none for a guest)" })
  ownInvitations(@CurrentUser() user: AuthUser) {
    return this.invitations.own(user);
  }

  @Post('invitations/:projectId')
  @UnverifiedRefused()
  @ApiZodResponse(memberViewSchema, { status: 201, description: 'Accepted: the caller is a member of the project, in the role they were invited in' })
  acceptInvitation(@Param('projectId', uuidParam('projectId')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.invitations.accept(projectId, user);
  }

  @Delete('invitations/:projectId')
  @HttpCode(204)
  @UnverifiedRefused()
  @ApiNoContentResponse({ description: 'Declined: the invitation is gone' })
  @ApiProblemResponse()
  async declineInvitation(@Param('projectId', uuidParam('projectId')) projectId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.invitations.decline(projectId, user);
  }
}
