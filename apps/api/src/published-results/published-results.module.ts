import { Module } from '@nestjs/common';
import { SubjectResultsModule } from '../subject-results/subject-results.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { PublishedResultsController } from './published-results.controller';
import { PublishedResultsService } from './published-results.service';

/** A retired subject's result, for volunteers and the public, when its project publishes results. */
@Module({
  imports: [WorkflowsModule, SubjectResultsModule],
  controllers: [PublishedResultsController],
  providers: [PublishedResultsService],
})
export class PublishedResultsModule {}
