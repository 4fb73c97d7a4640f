import { Module } from '@nestjs/common';
import { AssignmentModule } from '../assignment/assignment.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SubjectReportsController } from './subject-reports.controller';
import { SubjectReportsService } from './subject-reports.service';

@Module({
  imports: [WorkflowsModule, AssignmentModule],
  controllers: [SubjectReportsController],
  providers: [SubjectReportsService],
})
export class SubjectReportsModule {}
