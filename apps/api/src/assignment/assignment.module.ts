import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AssignmentController } from './assignment.controller';
import { AssignmentService } from './assignment.service';
import { SubjectAssigner } from './subject-assigner';
import { WorkflowHoldsController } from './workflow-holds.controller';

@Module({
  imports: [WorkflowsModule, ProjectsModule],
  controllers: [AssignmentController, WorkflowHoldsController],
  providers: [AssignmentService, SubjectAssigner],
  exports: [AssignmentService],
})
export class AssignmentModule {}
