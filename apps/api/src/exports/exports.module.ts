import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SubjectReportsModule } from '../subject-reports/subject-reports.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { DownloadLinks } from './download-links';
import { ExportStreams } from './export-streams';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

/** The downloads of a workflow's data: consensus and raw classifications, bounded together by EXPORTS_AT_ONCE. */
@Module({
  imports: [AuthModule, WorkflowsModule, SubjectReportsModule],
  controllers: [ExportsController],
  providers: [ExportsService, ExportStreams, DownloadLinks],
})
export class ExportsModule {}
