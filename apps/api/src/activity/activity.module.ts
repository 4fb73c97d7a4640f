import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ActivityController, OwnActivityController } from './activity.controller';
import { ActivityService } from './activity.service';

@Module({
  imports: [ProjectsModule, WorkflowsModule],
  controllers: [ActivityController, OwnActivityController],
  providers: [ActivityService],
})
export class ActivityModule {}
