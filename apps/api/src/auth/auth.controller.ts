import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { sessionSchema } from '@chorus/client';
import { ApiZodBody, ApiZodResponse, ZodPipe } from '../common/zod';
import { type AuthUser, OptionalUser, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { type LoginInput, type RegisterInput, loginSchema, registerSchema } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Sent with a guest's bearer token, the guest becomes the new account: their classifications stay theirs. */
  @Post('register')
  @ApiZodBody(registerSchema)
  @ApiZodResponse(sessionSchema, { status: 201, description: 'The new account and its bearer token' })
  register(@Body(new ZodPipe(registerSchema)) input: RegisterInput, @OptionalUser() caller?: AuthUser) {
    return this.auth.register(input, caller);
  }

  @Post('login')
  @HttpCode(200)
  @ApiZodBody(loginSchema)
  @ApiZodResponse(sessionSchema, { description: 'A bearer token for the account' })
  login(@Body(new ZodPipe(loginSchema)) input: LoginInput) {
    return this.auth.login(input);
  }

  @Post('guest')
  @ApiZodResponse(sessionSchema, { status: 201, description: 'A new guest volunteer and its bearer token' })
  guest() {
    return this.auth.guest();
  }
}
