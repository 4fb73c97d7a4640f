import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QueueBoard } from './queue-board';

@Module({
  imports: [AuthModule],
  exports: [QueueBoard],
  providers: [QueueBoard],
})
export class AdminModule {}
