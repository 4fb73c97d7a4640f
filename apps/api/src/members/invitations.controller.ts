import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiRateLimited } from '../common/rate-limits';
import { AddressLimitGuard, NEW_VOLUNTEERS, PASSWORD_RESETS, SIGN_INS } from '../auth/address-limits';
import { invitationListSchema, invitationViewSchema } from '@chorus/client';
import { type AuthUser, CurrentUser } from '../auth/auth.decorators';
import { ApiProblemResponse, ApiZodBody, ApiZodResponse, uuidParam, ZodPipe } from '../common/zod';
import { emailSchema } from '../auth/dto/auth.dto';
import { type MemberInput, memberInputSchema } from './dto/member.dto';
import { InvitationsService } from './invitations.service';
import { AccessFirst } from '../projects/access-first';
import { PROJECT_ADMINISTRATORS } from '../projects/project-access';

@ApiTags('members')
@ApiBearerAuth()
@Controller('projects/:id/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @ApiOperation({
    summary: 'Invites whoever signs in with an email to join a project in a role, and mails them (its owner and collaborators).',
    description: 'Body: `{ "email", "role" }`; the same email again replaces the role. The answer is the same whether or not the email has an account; they join once they accept (POST /account/invitations/:projectId). The mail goes out in the caller’s name, so the caller’s email must be verified (403 `urn:chorus:problem:email-unverified`). Refusals: 409 `urn:chorus:problem:already-member` for a member already (change their role with PUT /projects/:id/members); 429 `urn:chorus:problem:too-many-requests` over INVITATIONS_PER_ACCOUNT_PER_DAY, with Retry-After. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @UseGuards(AddressLimitGuard)
  @SkipThrottle({ [NEW_VOLUNTEERS]: true, [SIGN_INS]: true, [PASSWORD_RESETS]: true })
  @ApiRateLimited('Over INVITATIONS_PER_ACCOUNT_PER_DAY invitations sent by the caller')
  @ApiForbiddenResponse({ description: "email-unverified: the caller's own email is not verified yet (an invitation is mailed in their name); or the caller does not administer the project" })
  @ApiZodBody(memberInputSchema, 'Invites whoever signs in with this email to join in a role (owner and collaborators only); the same email again replaces the role.')
  @ApiZodResponse(invitationViewSchema, {
    status: 201,
    description: 'The invitation: they become a member once they accept it (POST /account/invitations/:projectId). Whether the email has an account is not said.',
  })
  invite(@Param('id', uuidParam('id')) projectId: string, @Body(new ZodPipe(memberInputSchema)) input: MemberInput, @CurrentUser() user: AuthUser) {
    return this.invitations.invite(projectId, input, user);
  }

  @Get()
  @ApiOperation({
    summary: 'Lists a project’s invitations not yet accepted or declined (its researchers).',
    description: 'Each with its email, role and when it was made. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @ApiZodResponse(invitationListSchema, { description: "The project's invitations not yet accepted or declined (researchers only)" })
  list(@Param('id', uuidParam('id')) projectId: string, @CurrentUser() user: AuthUser) {
    return this.invitations.list(projectId, user);
  }

  @Delete(':email')
  @ApiOperation({
    summary: 'Withdraws an invitation (its owner and collaborators).',
    description: '404 (at `/params/email`) when the email has no invitation to the project. Anyone else gets 403 (404 when the project is not public to them, as a draft is).',
  })
  @AccessFirst(PROJECT_ADMINISTRATORS)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The invitation is withdrawn (owner and collaborators only)' })
  @ApiProblemResponse()
  async withdraw(
    @Param('id', uuidParam('id')) projectId: string,
    @Param('email', new ZodPipe(emailSchema, '/params/email')) email: string,
    @CurrentUser() user: AuthUser,
  ): Promise<void> {
    await this.invitations.withdraw(projectId, email, user);
  }
}
