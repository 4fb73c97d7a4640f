import { Module } from '@nestjs/common';
import { AssignmentModule } from '../assignment/assignment.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { MediaFailuresController } from './media-failures.controller';
import { MediaFailuresService } from './media-failures.service';
import { SubjectReportsController } from './subject-reports.controller';
import { ReporterPseudonyms } from './reporter-pseudonyms';
import { SubjectReportsService } from './subject-reports.service';

@Module({
  imports: [WorkflowsModule, AssignmentModule],
  controllers: [SubjectReportsController, MediaFailuresController],
  providers: [SubjectReportsService, MediaFailuresService, ReporterPseudonyms],
  exports: [ReporterPseudonyms],
})
export class SubjectReportsModule {}
