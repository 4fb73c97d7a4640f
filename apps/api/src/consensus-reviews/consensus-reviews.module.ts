import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ConsensusReviewsController } from './consensus-reviews.controller';
import { ConsensusReviewsService } from './consensus-reviews.service';

/** Researchers' reviews of a workflow's consensus, subject by subject and task by task: approved, or corrected. */
@Module({
  imports: [WorkflowsModule],
  controllers: [ConsensusReviewsController],
  providers: [ConsensusReviewsService],
})
export class ConsensusReviewsModule {}
