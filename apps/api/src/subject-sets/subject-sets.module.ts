import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SubjectSetsController } from './subject-sets.controller';
import { SubjectSetsService } from './subject-sets.service';

@Module({
  imports: [ProjectsModule, WorkflowsModule],
  controllers: [SubjectSetsController],
  providers: [SubjectSetsService],
  exports: [SubjectSetsService],
})
export class SubjectSetsModule {}
