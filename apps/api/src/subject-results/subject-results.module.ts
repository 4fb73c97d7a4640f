import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SubjectResultsController } from './subject-results.controller';
import { SubjectResultsService } from './subject-results.service';

/** A workflow's results subject by subject, for its researchers: what the downloads hold, one subject at a time. */
@Module({
  imports: [WorkflowsModule],
  controllers: [SubjectResultsController],
  providers: [SubjectResultsService],
  exports: [SubjectResultsService],
})
export class SubjectResultsModule {}
