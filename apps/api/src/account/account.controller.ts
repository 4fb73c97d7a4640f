import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { accountViewSchema, accountWorkflowSchema, contributionSchema, memberViewSchema, ownInvitationListSchema, sessionSchema } from '@chorus/client';
import { AddressLimitGuard, INVITATIONS, NEW_VOLUNTEERS, PASSWORD_RESETS, SIGN_INS, type SignInFrom, SignInOrigin } from '../auth/address-limits';
import { type AuthUser, CurrentUser, SessionRequired } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { ApiRateLimited, type RateLimitNote, RateLimitNotes } from '../common/rate-limits';
import { AccountEmailService } from '../auth/account-email.service';
import { KeyScope } from '../auth/key-scopes';
import { InvitationsService } from '../members/invitations.service';
import { AccountService } from './account.service';
import {
  type AccountChange,
  type AccountDeletion,
  type EmailChange,
  type PasswordChange,
  type TutorialSeenInput,
  accountChangeSchema,
  accountDeletionSchema,
  emailChangeSchema,
  passwordChangeSchema,
  tutorialSeenSchema,
} from './dto/account.dto';

/** Invitations wait for the account's owner to show the email is theirs. */
/** A personal API key is refused where the account's own hold on itself is at stake. */
const KeyRefused = () => ApiForbiddenResponse({ description: 'session-required: sent with an API key; this needs a signed-in session’s token' });
const UnverifiedRefused = () => ApiForbiddenResponse({ description: "email-unverified: the account's email is not verified yet (invitations wait for that)" });

@ApiTags('account')
@ApiBearerAuth()
@Controller('account')
@UseGuards(AddressLimitGuard)
@SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: true, [INVITATIONS]: true, [PASSWORD_RESETS]: true })
export class AccountController {
  constructor(private readonly account: AccountService, private readonly accountEmail: AccountEmailService, private readonly invitations: InvitationsService) {}

  @Get()
  @KeyScope('downloads')
  @ApiOperation({
    summary: 'The caller’s own account (or guest): its id, kind, display name, email, whether the email is verified, the language it is mailed in, and when it was made.',
    description:
      'Any bearer token, an account’s or a guest’s, or a personal API key: sent with a key, of any scope (`downloads` too), `apiKey` names that key (its id, name, `scope`, `prefix`, `expiresAt` and `lastUsedAt`), so that a script can see when its key expires and what it may do; null with a session’s token. 401 `urn:chorus:problem:unauthorized` without a valid token.',
  })
  @ApiZodResponse(accountViewSchema, { description: "The caller's account (or guest), and the API key the request was sent with, if any" })
  view(@CurrentUser() user: AuthUser) {
    return this.account.view(user);
  }

  @Get('contribution')
  @ApiOperation({
    summary: 'How much the caller has classified, in all and project by project.',
    description: 'Any bearer token, an account’s or a guest’s. The projects are the 100 the caller classified in most recently.',
  })
  @ApiZodResponse(contributionSchema, { description: 'What the caller has classified: in all, and by project (the 100 classified in most recently)' })
  contribution(@CurrentUser() user: AuthUser) {
    return this.account.contribution(user);
  }

  @Get('workflows/:workflowId')
  @ApiOperation({
    summary: 'The caller’s record in one workflow: how many classifications they made in it, on every device, and whether the account has seen its tutorial.',
    description:
      'Any bearer token, an account’s or a guest’s (a guest’s `tutorialSeen` is always false: its browser keeps that). The classifications count every one the caller made in the workflow, those a sign-in carried in from a guest too. 404 (at `/params/workflowId`) for a workflow the caller may not see; 422 naming `/params/workflowId` for an id that is not a UUID.',
  })
  @ApiZodResponse(accountWorkflowSchema, { description: 'The caller’s classifications in the workflow, and whether the account has seen its tutorial' })
  workflowRecord(@Param('workflowId', uuidParam('workflowId')) workflowId: string, @CurrentUser() user: AuthUser) {
    return this.account.workflowRecord(workflowId, user);
  }

  @Put('tutorials-seen')
  @ApiOperation({
    summary: 'Remembers that the account has seen a workflow’s tutorial, so that it is not shown again on any device the account signs in on.',
    description:
      'Body: `{ "workflowId" }`, a workflow the caller may see (404 naming `/workflowId` otherwise; 422 naming `/workflowId` for one that is not a UUID). Sending it again changes nothing. Accounts only: a guest gets 403 `urn:chorus:problem:account-required` (its browser keeps what it has seen).',
  })
  @HttpCode(204)
  @ApiZodBody(tutorialSeenSchema)
  @ApiNoContentResponse({ description: 'The account has seen the workflow’s tutorial (it had already: the same answer)' })
  @ApiProblemResponse()
  async markTutorialSeen(@Body(new ZodPipe(tutorialSeenSchema)) { workflowId }: TutorialSeenInput, @CurrentUser() user: AuthUser): Promise<void> {
    await this.account.markTutorialSeen(workflowId, user);
  }

  @Patch()
  @ApiOperation({
    summary: 'Changes the account’s display name (the name its team and downloads show), the language Chorus mails it in, its credited name, whether it is named in projects’ acknowledgements, whether it is mailed of replies and mentions, of new comments in the discussions it follows, of reports in the projects it moderates, and of completed workflows, or how the classifier shows itself to it.',
    description:
      'Body: `{ "displayName", "language", "creditedName", "namedInAcknowledgements", "discussionMails", "followedDiscussionMails", "reportMails", "completionMails", "volunteerCompletionMails", "display", "publicProfile" }`, any of them: `displayName` one line (a line break or other control character is refused, named); `language` `en`, `fr` or `de`, which every mail to the account is worded in from then on (the classifier sends it when its volunteer chooses a language); `creditedName`, the name projects’ acknowledgements credit the account under, by a display name’s rules (`""` or null: the display name); `namedInAcknowledgements`, true to be named in the contributors download of every project the account classified in (GET /projects/:id/contributors), false (as every account starts) to be only counted there; `discussionMails`, true to be mailed (at the account’s verified email, in its language) when someone replies to one of its comments or mentions it in a discussion, false (as every account starts) to be told in its notifications only; `followedDiscussionMails`, the same for each new comment in the discussions it follows, apart (false as every account starts); `reportMails`, false to stop the mails of reports in projects it moderates or researches (true for accounts made since 2026-12-07 and for those that then moderated or researched a project, false for the others until they turn it on: at most one an hour per project, saying how many reports are open); `completionMails`, false to stop the mails of completed workflows in projects it researches (true as every account starts: each with a link to the workflow’s downloads in the lab); `volunteerCompletionMails`, true to be mailed too when a workflow it classified in is complete (false as every account starts: its notification is given either way); turning either off drops its mails of completions not yet sent; `display`, `{ "theme", "textSize" }` both together, how the classifier shows itself to the account on every device it signs in on: `theme` `device` (light or dark as the device is set), `light` or `dark`, `textSize` `normal`, `large` or `larger` (the classifier sends it when its volunteer chooses, and takes it at sign-in); `publicProfile`, true to show the account’s public profile to everyone (GET /volunteers/:id: its display name, the month it joined, its public collections, its latest comments; its name then links there from its comments and collections), false (as every account starts) to show none. Accounts only: a guest gets 403 `urn:chorus:problem:account-required`. 422 `urn:chorus:problem:validation-failed` naming a bad field, or `/displayName` for a body with none of them; a refused body changes nothing.',
  })
  @ApiZodBody(accountChangeSchema)
  @ApiZodResponse(accountViewSchema, { description: 'The account, changed (accounts only: a guest gets 403 account-required)' })
  change(@Body(new ZodPipe(accountChangeSchema)) change: AccountChange, @CurrentUser() user: AuthUser) {
    return this.account.change(user, change);
  }

  @SessionRequired()
  @KeyRefused()
  @Post('password')
  @ApiOperation({
    summary: 'Changes the account’s password, given the current one, and answers a new token.',
    description: 'Body: `{ "currentPassword", "newPassword" }`. Every token issued before, on every device, stops working: use the one answered. The account’s verified email is told (with how to set a new password if it was not its owner), in the same transaction. Accounts only (403 `urn:chorus:problem:account-required` for a guest). Refusals: 422 `urn:chorus:problem:wrong-password` when the current password is wrong; 422 `urn:chorus:problem:validation-failed` naming a bad field; 429 `urn:chorus:problem:too-many-requests` with Retry-After. API keys go on working (revoke them: DELETE /account/api-keys/:id). Not with an API key (403 `urn:chorus:problem:session-required`).',
  })
  @HttpCode(200)
  @ApiRateLimited('Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES wrong passwords for the account from one address, here and at sign-in together')
  @ApiZodBody(passwordChangeSchema)
  @ApiZodResponse(sessionSchema, { description: 'The new token: every token issued before, on any device, no longer works' })
  changePassword(@Body(new ZodPipe(passwordChangeSchema)) change: PasswordChange, @CurrentUser() user: AuthUser, @SignInOrigin() from: SignInFrom) {
    return this.account.changePassword(user, change, from);
  }

  @Post('email-verification')
  @ApiOperation({
    summary: 'Mails the link that verifies the account’s email again.',
    description: 'No body. Accounts only (403 `urn:chorus:problem:account-required` for a guest). 409 `urn:chorus:problem:email-already-verified` when it is verified; 429 `urn:chorus:problem:too-many-requests` within a minute of the last link mailed, with Retry-After.',
  })
  @HttpCode(202)
  @ApiAcceptedResponse({ description: "The link that verifies the account's email is mailed again (409 email-already-verified)" })
  @ApiRateLimited('Within a minute of the last link mailed to the account (one a minute)')
  @ApiProblemResponse()
  async sendEmailVerification(@CurrentUser() user: AuthUser, @RateLimitNotes() note: RateLimitNote): Promise<void> {
    await this.accountEmail.sendVerification(user, note);
  }

  @SessionRequired()
  @KeyRefused()
  @Post('email')
  @ApiOperation({
    summary: 'Starts changing the email the account signs in with: a link is mailed to the new email.',
    description: 'Body: `{ "email", "password" }` (the current password). The account keeps its email until the link mailed to the new one is opened (POST /auth/email-verification); the current email is told. The answer is the same when the new email has an account (its owner is told instead). Accounts only (403 `urn:chorus:problem:account-required`). Refusals: 422 `urn:chorus:problem:wrong-password`; 422 `urn:chorus:problem:validation-failed`; 429 `urn:chorus:problem:too-many-requests` with Retry-After. One link a minute is mailed to an account: the 202 says so in its `RateLimit-*` headers (`RateLimit-Remaining: 0`, `RateLimit-Reset: 60`). Not with an API key (403 `urn:chorus:problem:session-required`): sign in for a session’s token.',
  })
  @HttpCode(202)
  @ApiZodBody(emailChangeSchema)
  @ApiAcceptedResponse({
    description: 'A link is mailed to the new email, and a notice to the current one; the account signs in with the new email once the link is opened. The answer is the same when the new email has an account: its owner is told instead, and no link is made',
  })
  @ApiRateLimited('Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES wrong passwords for the account from one address, here and at sign-in together, or within a minute of the last link mailed to the account')
  @ApiProblemResponse()
  async changeEmail(@Body(new ZodPipe(emailChangeSchema)) change: EmailChange, @CurrentUser() user: AuthUser, @SignInOrigin() from: SignInFrom): Promise<void> {
    await this.account.changeEmail(user, change, from);
  }

  @SessionRequired()
  @KeyRefused()
  @Post('sign-out-everywhere')
  @ApiOperation({
    summary: 'Signs the account out on every device: all its tokens stop working, the caller’s too.',
    description: 'No body. Accounts only (403 `urn:chorus:problem:account-required` for a guest). Sign in again (POST /auth/login) for a new token. API keys go on working (revoke them: DELETE /account/api-keys/:id). Not with an API key (403 `urn:chorus:problem:session-required`).',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: "Every token of the account, the caller's too, no longer works (within 30 seconds on every API process); its API keys go on" })
  @ApiProblemResponse()
  signOutEverywhere(@CurrentUser() user: AuthUser) {
    return this.account.signOutEverywhere(user);
  }

  @SessionRequired()
  @KeyRefused()
  @Delete()
  @ApiOperation({
    summary: 'Deletes the caller’s account, given its password.',
    description: 'Body: `{ "password" }`. Its classifications stay, anonymous, and come again in incremental downloads (`since=`) without its name. Accounts only (403 `urn:chorus:problem:account-required`). Refusals: 409 `urn:chorus:problem:owns-projects` for the owner of projects (hand them over first: PUT /projects/:id/members with role owner); 422 `urn:chorus:problem:wrong-password`; 429 `urn:chorus:problem:too-many-requests` with Retry-After. Not with an API key (403 `urn:chorus:problem:session-required`): sign in for a session’s token.',
  })
  @HttpCode(204)
  @ApiRateLimited('Over SIGN_INS_PER_ACCOUNT_PER_15_MINUTES wrong passwords for the account from one address, here and at sign-in together')
  @ApiZodBody(accountDeletionSchema)
  @ApiNoContentResponse({
    description:
      "Deleted: the account's email, password, name, tokens, API keys, memberships, holds, favourites, collections, subscriptions to projects’ news, the tutorials it has seen, its notifications, the discussion mails to it not yet sent and its comment bans are gone, and so are the free-text notes of its subject reports (each report's reason stays, under its id); its classifications stay, with no one's name, and come again in incremental downloads (`since=`) without it; names researchers downloaded before are out of Chorus's reach (409 owns-projects for an owner of projects)",
  })
  @ApiProblemResponse()
  delete(@Body(new ZodPipe(accountDeletionSchema)) { password }: AccountDeletion, @CurrentUser() user: AuthUser, @SignInOrigin() from: SignInFrom) {
    return this.account.delete(user, password, from);
  }

  @Get('invitations')
  @ApiOperation({
    summary: 'The invitations to join projects addressed to the caller’s email, newest first.',
    description: 'A guest has none. 403 `urn:chorus:problem:email-unverified` until the account’s email is verified: invitations wait for that.',
  })
  @UnverifiedRefused()
  @ApiZodResponse(ownInvitationListSchema, { description: "Invitations to join projects addressed to the caller's email, newest first (none for a guest)" })
  ownInvitations(@CurrentUser() user: AuthUser) {
    return this.invitations.own(user);
  }

  @Post('invitations/:projectId')
  @ApiOperation({
    summary: 'Accepts the invitation to a project: the caller becomes a member in the role they were invited in.',
    description: 'No body. A member already keeps the role they have. Refusals: 403 `urn:chorus:problem:email-unverified` until the account’s email is verified; 404 (at `/params/projectId`) when no invitation to that project is addressed to the caller’s email.',
  })
  @UnverifiedRefused()
  @ApiZodResponse(memberViewSchema, { status: 201, description: 'Accepted: the caller is a member of the project, in the role they were invited in' })
  acceptInvitation(@Param('projectId', uuidParam('projectId')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.invitations.accept(projectId, user);
  }

  @Delete('invitations/:projectId')
  @ApiOperation({
    summary: 'Declines the invitation to a project: the invitation is gone.',
    description: 'No body. Refusals: 403 `urn:chorus:problem:email-unverified` until the account’s email is verified; 404 when no invitation to that project is addressed to the caller’s email.',
  })
  @HttpCode(204)
  @UnverifiedRefused()
  @ApiNoContentResponse({ description: 'Declined: the invitation is gone' })
  @ApiProblemResponse()
  async declineInvitation(@Param('projectId', uuidParam('projectId')) projectId: string, @CurrentUser() user: AuthUser): Promise<void> {
    await this.invitations.decline(projectId, user);
  }
}
