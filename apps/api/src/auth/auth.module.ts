import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '@chorus/db';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Passwords } from './passwords';

@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ secret: config.authSecret, signOptions: { expiresIn: config.tokenTtlSeconds } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, Passwords, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
