import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProjectsModule } from '../projects/projects.module';
import { SubjectReportsModule } from '../subject-reports/subject-reports.module';
import { SubjectSetsModule } from '../subject-sets/subject-sets.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { CommentsDownloadController } from './comments-download.controller';
import { ContributorsDownloadController } from './contributors-download.controller';
import { ContributorsService } from './contributors.service';
import { DownloadLinks } from './download-links';
import { ExportStreams } from './export-streams';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';
import { OwnClassificationsDownloadController } from './own-classifications-download.controller';
import { OwnCommentsDownloadController } from './own-comments-download.controller';
import { ProjectClassificationsDownloadController } from './project-classifications-download.controller';
import { SubjectSetFileController } from './subject-set-file.controller';
import { TranscriptionsDownloadController } from './transcriptions-download.controller';

/** The downloads of a workflow's data (consensus, also as transcription documents, raw classifications, reports) and of a project's comments, contributors and every workflow's raw classifications, a subject set's file and a volunteer's own classifications, bounded together by EXPORTS_AT_ONCE. */
@Module({
  imports: [AuthModule, ProjectsModule, WorkflowsModule, SubjectReportsModule, SubjectSetsModule],
  controllers: [ExportsController, CommentsDownloadController, ContributorsDownloadController, TranscriptionsDownloadController, SubjectSetFileController, OwnClassificationsDownloadController, OwnCommentsDownloadController, ProjectClassificationsDownloadController],
  providers: [ExportsService, ExportStreams, DownloadLinks, ContributorsService],
  exports: [ExportsService],
})
export class ExportsModule {}
