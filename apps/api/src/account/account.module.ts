import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MembersModule } from '../members/members.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AccountController } from './account.controller';
import { AccountService } from './account.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

@Module({
  imports: [AuthModule, MembersModule, WorkflowsModule],
  controllers: [AccountController, ApiKeysController],
  providers: [AccountService, ApiKeysService],
})
export class AccountModule {}
