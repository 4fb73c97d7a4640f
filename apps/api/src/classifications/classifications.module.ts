import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ClassificationWriter } from './classification-writer';
import { ClassificationsController } from './classifications.controller';
import { ClassificationsService } from './classifications.service';

@Module({
  imports: [ProjectsModule, WorkflowsModule],
  controllers: [ClassificationsController],
  providers: [ClassificationsService, ClassificationWriter],
})
export class ClassificationsModule {}
