import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AssignmentController } from './assignment.controller';
import { AssignmentService } from './assignment.service';
import { NeighbourPagesController } from './neighbour-pages.controller';
import { NeighbourPagesService } from './neighbour-pages.service';
import { SubjectAssigner } from './subject-assigner';
import { WorkflowHoldsController } from './workflow-holds.controller';

@Module({
  imports: [WorkflowsModule, ProjectsModule],
  controllers: [AssignmentController, WorkflowHoldsController, NeighbourPagesController],
  providers: [AssignmentService, SubjectAssigner, NeighbourPagesService],
  exports: [AssignmentService],
})
export class AssignmentModule {}
