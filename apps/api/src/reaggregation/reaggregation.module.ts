import { Module } from '@nestjs/common';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ReaggregationController } from './reaggregation.controller';
import { ReaggregationService } from './reaggregation.service';

@Module({
  imports: [WorkflowsModule],
  controllers: [ReaggregationController],
  providers: [ReaggregationService],
})
export class ReaggregationModule {}
