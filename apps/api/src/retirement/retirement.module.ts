import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { RetirementController } from './retirement.controller';
import { RetirementService } from './retirement.service';

@Module({
  imports: [ProjectsModule, WorkflowsModule],
  controllers: [RetirementController],
  providers: [RetirementService],
})
export class RetirementModule {}
