import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '../common/zod';
import { type AuthUser, CurrentSession, CurrentUser, EndedSessionAccepted, SessionRequired } from './auth.decorators';
import { AuthService } from './auth.service';
import type { TokenSession } from './ended-sessions';

/** Apart from `AuthController`, whose routes need no token: signing out needs the token it ends. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class SignOutController {
  constructor(private readonly auth: AuthService) {}

  @Post('sign-out')
  @ApiOperation({
    summary: 'Signs out of this session: the token sent stops working.',
    description: 'Accounts only (a guest gets 403 `urn:chorus:problem:account-required`: its token is its only way back to its work). The account’s other sessions go on; POST /account/sign-out-everywhere ends them all. Sent again with the same token: 204 again, nothing changes. An API key is not signed out of but revoked (DELETE /account/api-keys/:id): sent with one, 403 `urn:chorus:problem:session-required`.',
  })
  @HttpCode(204)
  @EndedSessionAccepted()
  @SessionRequired()
  @ApiNoContentResponse({
    description:
      "The caller's session (the sign-in that issued this token, on this device) is signed out of: its token no longer works, on every API process at once (within 30 seconds should Redis lose the news). The account's other sessions go on (POST /account/sign-out-everywhere ends them all). Again with the same token: 204 again, nothing changes",
  })
  @ApiForbiddenResponse({ description: "account-required: a guest's token is its only way back to its work; a guest signs in to an account instead. session-required: an API key is revoked, not signed out of" })
  @ApiProblemResponse()
  signOut(@CurrentUser() user: AuthUser, @CurrentSession() session: TokenSession) {
    return this.auth.signOut(user, session);
  }
}
