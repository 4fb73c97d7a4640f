import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { AssignmentController } from './assignment.controller';
import { AssignmentService } from './assignment.service';
import { SubjectAssigner } from './subject-assigner';

@Module({
  imports: [WorkflowsModule],
  controllers: [AssignmentController],
  providers: [AssignmentService, SubjectAssigner],
  exports: [AssignmentService],
})
export class AssignmentModule {}
