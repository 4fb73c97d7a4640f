import { Module } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module';
import { ProjectsModule } from '../projects/projects.module';
import { SubjectResultsModule } from '../subject-results/subject-results.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { PublishedResultsController } from './published-results.controller';
import { PublishedResultsService } from './published-results.service';

/** A finished subject's results, for volunteers and the public, when its project publishes results. */
@Module({
  imports: [ProjectsModule, WorkflowsModule, SubjectResultsModule, ExportsModule],
  controllers: [PublishedResultsController],
  providers: [PublishedResultsService],
})
export class PublishedResultsModule {}
