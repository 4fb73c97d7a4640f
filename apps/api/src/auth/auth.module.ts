import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '@chorus/db';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ExcludedVolunteersModule } from '../excluded-volunteers/excluded-volunteers.module';
import { ApiKeys } from './api-keys';
import { AddressLimitGuard, SignInLimits, addressLimits } from './address-limits';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AccountEmailService } from './account-email.service';
import { AuthService } from './auth.service';
import { EndedSessions } from './ended-sessions';
import { EmailLinks } from './email-links';
import { GuestAddresses } from './guest-addresses';
import { GuestWork } from './guest-work';
import { Passwords } from './passwords';
import { SignOutController } from './sign-out.controller';
import { TokenNews } from './token-news';
import { TokenGenerations } from './token-generations';
import { Tokens } from './tokens';

@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      // A KeyObject made once: given a string, jsonwebtoken tries (and fails) to parse it as a PEM key on every call.
      useFactory: (config: AppConfig) => ({ secret: createSecretKey(Buffer.from(config.authSecret)), signOptions: { expiresIn: config.tokenTtlSeconds } }),
    }),
    ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => addressLimits(config) }),
    ExcludedVolunteersModule,
  ],
  controllers: [AuthController, SignOutController],
  providers: [AuthService, AccountEmailService, EmailLinks, GuestAddresses, GuestWork, AddressLimitGuard, SignInLimits, Passwords, Tokens, TokenGenerations, TokenNews, EndedSessions, ApiKeys, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [Tokens, TokenGenerations, EndedSessions, Passwords, AddressLimitGuard, SignInLimits, AccountEmailService, EmailLinks],
})
export class AuthModule {}
