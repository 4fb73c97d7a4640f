import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodPipe } from '../common/zod';
import { Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { type LoginInput, type RegisterInput, loginSchema, registerSchema } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiZodBody(registerSchema)
  register(@Body(new ZodPipe(registerSchema)) input: RegisterInput) {
    return this.auth.register(input);
  }

  @Post('login')
  @HttpCode(200)
  @ApiZodBody(loginSchema)
  login(@Body(new ZodPipe(loginSchema)) input: LoginInput) {
    return this.auth.login(input);
  }

  @Post('guest')
  guest() {
    return this.auth.guest();
  }
}
