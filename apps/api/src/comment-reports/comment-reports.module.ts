import { Module } from '@nestjs/common';
import { DiscussionsModule } from '../discussions/discussions.module';
import { ProjectsModule } from '../projects/projects.module';
import { SubjectReportsModule } from '../subject-reports/subject-reports.module';
import { CommentReportsController } from './comment-reports.controller';
import { CommentReportsService } from './comment-reports.service';

@Module({
  imports: [DiscussionsModule, ProjectsModule, SubjectReportsModule],
  controllers: [CommentReportsController],
  providers: [CommentReportsService],
})
export class CommentReportsModule {}
