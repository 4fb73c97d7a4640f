import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { sessionSchema } from '@chorus/client';
import { ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { type AuthUser, OptionalUser, Public } from './auth.decorators';
import { AddressLimitGuard, NEW_VOLUNTEERS, SIGN_INS } from './address-limits';
import { AuthService } from './auth.service';
import { type LoginInput, type RegisterInput, loginSchema, registerSchema } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
@Public()
@UseGuards(AddressLimitGuard)
@ApiTooManyRequestsResponse({
  description:
    'Over a limit per address (NEW_VOLUNTEERS_PER_ADDRESS_PER_HOUR for guests and accounts together, SIGN_INS_PER_ACCOUNT_PER_15_MINUTES for one account): a problem, with Retry-After in seconds',
})
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Sent with a guest's bearer token, the guest becomes the new account: their classifications stay theirs. */
  @Post('register')
  @SkipThrottle({ [SIGN_INS]: true })
  @ApiZodBody(registerSchema)
  @ApiZodResponse(sessionSchema, { status: 201, description: 'The new account and its bearer token' })
  register(@Body(new ZodPipe(registerSchema)) input: RegisterInput, @OptionalUser() caller?: AuthUser) {
    return this.auth.register(input, caller);
  }

  @Post('login')
  @SkipThrottle({ [NEW_VOLUNTEERS]: true })
  @HttpCode(200)
  @ApiZodBody(loginSchema)
  @ApiZodResponse(sessionSchema, { description: 'A bearer token for the account' })
  login(@Body(new ZodPipe(loginSchema)) input: LoginInput) {
    return this.auth.login(input);
  }

  @Post('guest')
  @SkipThrottle({ [SIGN_INS]: true })
  @ApiZodResponse(sessionSchema, { status: 201, description: 'A new guest volunteer and its bearer token' })
  guest() {
    return this.auth.guest();
  }
}
