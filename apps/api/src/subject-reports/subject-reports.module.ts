import { Module } from '@nestjs/common';
import { AssignmentModule } from '../assignment/assignment.module';
import { AuthModule } from '../auth/auth.module';
import { UnsubscriptionsModule } from '../unsubscriptions/unsubscriptions.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { MediaFailuresController } from './media-failures.controller';
import { MediaFailuresService } from './media-failures.service';
import { SubjectReportsController } from './subject-reports.controller';
import { ReporterPseudonyms } from './reporter-pseudonyms';
import { ReportMails } from './report-mails';
import { SubjectReportsService } from './subject-reports.service';

@Module({
  imports: [WorkflowsModule, AssignmentModule, AuthModule, UnsubscriptionsModule],
  controllers: [SubjectReportsController, MediaFailuresController],
  providers: [SubjectReportsService, MediaFailuresService, ReporterPseudonyms, ReportMails],
  exports: [ReporterPseudonyms, ReportMails],
})
export class SubjectReportsModule {}
