import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { SubjectSetsModule } from '../subject-sets/subject-sets.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { DemoService } from './demo.service';

@Module({
  imports: [ProjectsModule, SubjectSetsModule, WorkflowsModule],
  providers: [DemoService],
})
export class DemoModule {}
