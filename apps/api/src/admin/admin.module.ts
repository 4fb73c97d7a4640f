import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProjectsModule } from '../projects/projects.module';
import { QueueBoard } from './queue-board';

@Module({
  imports: [AuthModule, ProjectsModule],
  exports: [QueueBoard],
  providers: [QueueBoard],
})
export class AdminModule {}
